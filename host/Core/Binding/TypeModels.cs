using System.Collections;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Switchboard.Abstractions;
using Switchboard.Core.Metadata;

namespace Switchboard.Core.Binding;

/// <summary>Builds and caches <see cref="ValueModel"/>s for one plugin generation.</summary>
/// <remarks>
/// Deliberately not static and not System.Text.Json's or DataAnnotations' caches: those are process-wide and
/// would keep an unloaded plugin's types alive. This cache dies with its generation.
/// </remarks>
internal sealed class TypeModels
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, ValueModel> _complete = new();

    public ValueModel For(Type type)
    {
        if (_complete.TryGetValue(type, out var ready))
            return ready;
        // Built without a lock: building reads a plugin's attributes, which runs the plugin's code (an attribute's
        // constructor), and code that blocks there must hold up its own call only, not every call of the generation
        // that meets a type for the first time. Two calls meeting the same new type at once may both build it; the
        // first one finished is kept.
        var building = new Dictionary<Type, ValueModel>();
        Build(type, building);
        // Models under construction (a type that refers to itself) are in `building` only while Build runs: once the
        // outermost Build returns, every model in it is complete.
        foreach (var (built, complete) in building)
            _complete.TryAdd(built, complete);
        return _complete[type];
    }

    private ValueModel Build(Type type, Dictionary<Type, ValueModel> building)
    {
        if (_complete.TryGetValue(type, out var ready))
            return ready;
        if (building.TryGetValue(type, out var cached))
            return cached;

        var underlying = System.Nullable.GetUnderlyingType(type);
        var target = underlying ?? type;
        var acceptsNull = underlying is not null || !type.IsValueType;
        var kind = KindOf(target);
        var model = new ValueModel
        {
            ClrType = type,
            TargetType = target,
            Kind = kind,
            AcceptsNull = acceptsNull,
            EnumMembers = kind == ParameterKind.Enum ? EnumMembersOf(target) : [],
        };
        building[type] = model;

        switch (kind)
        {
            case ParameterKind.List:
                model.Item = Build(ItemTypeOf(target) ?? typeof(object), building);
                break;
            case ParameterKind.Map:
                model.Item = Build(MapValueTypeOf(target) ?? typeof(object), building);
                break;
            case ParameterKind.Object:
                model.Object = new ObjectModel { ClrType = target, Properties = [], Create = CreatorOf(target) };
                model.Object.Properties = PropertiesOf(model.Object, building);
                break;
        }
        return model;
    }

    private static ParameterKind KindOf(Type t)
    {
        if (t == typeof(string) || t == typeof(char) || t == typeof(Uri) || t == typeof(TimeSpan))
            return ParameterKind.String;
        if (t == typeof(bool))
            return ParameterKind.Boolean;
        if (t.IsEnum)
            return ParameterKind.Enum;
        if (t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(byte) || t == typeof(sbyte)
            || t == typeof(uint) || t == typeof(ulong) || t == typeof(ushort))
            return ParameterKind.Integer;
        if (t == typeof(double) || t == typeof(float) || t == typeof(decimal))
            return ParameterKind.Number;
        if (t == typeof(DateTime) || t == typeof(DateTimeOffset) || t == typeof(DateOnly) || t == typeof(TimeOnly))
            return ParameterKind.DateTime;
        if (t == typeof(Guid))
            return ParameterKind.Guid;
        if (t == typeof(object) || typeof(JsonNode).IsAssignableFrom(t) || t == typeof(JsonElement))
            return ParameterKind.Any;
        if (MapValueTypeOf(t) is not null)
            return ParameterKind.Map;
        if (t.IsArray || (t != typeof(string) && typeof(IEnumerable).IsAssignableFrom(t)))
            return ParameterKind.List;
        return ParameterKind.Object;
    }

    private static Type? ItemTypeOf(Type t)
    {
        if (t.IsArray)
            return t.GetElementType();
        var enumerable = t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? t
            : t.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0];
    }

    private static Type? MapValueTypeOf(Type t)
    {
        foreach (var candidate in t.GetInterfaces().Append(t))
        {
            if (!candidate.IsGenericType)
                continue;
            var definition = candidate.GetGenericTypeDefinition();
            if ((definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
                && candidate.GetGenericArguments()[0] == typeof(string))
                return candidate.GetGenericArguments()[1];
        }
        return null;
    }

    private static Func<object> CreatorOf(Type t)
    {
        var constructor = t.GetConstructor(Type.EmptyTypes);
        if (constructor is null && !t.IsValueType)
            return () => throw new InvalidOperationException($"{t.Name} needs a public parameterless constructor to be bound.");
        return () => Activator.CreateInstance(t)!;
    }

    private IReadOnlyList<PropertyModel> PropertiesOf(ObjectModel owner, Dictionary<Type, ValueModel> building)
    {
        var t = owner.ClrType;
        var result = new List<PropertyModel>();
        foreach (var property in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || !property.CanRead
                || property.GetCustomAttribute<JsonIgnoreAttribute>() is { Condition: JsonIgnoreCondition.Always })
                continue;

            var parameter = property.GetCustomAttribute<ParameterAttribute>();
            var display = property.GetCustomAttribute<DisplayAttribute>();
            var dataType = property.GetCustomAttribute<DataTypeAttribute>()?.DataType;
            var validators = property.GetCustomAttributes<ValidationAttribute>(inherit: true).ToList();
            result.Add(new PropertyModel
            {
                Property = property,
                Id = parameter?.Id ?? property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? CamelCase(property.Name),
                Label = parameter?.Label ?? display?.GetName() ?? Words(property.Name),
                Description = property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? display?.GetDescription(),
                Tooltip = parameter?.Tooltip,
                Value = Build(property.PropertyType, building),
                Required = validators.Any(v => v is RequiredAttribute),
                Secret = property.GetCustomAttribute<SecretAttribute>() is not null || dataType == DataType.Password,
                Multiline = parameter?.Multiline == true || dataType == DataType.MultilineText,
                Owner = owner,
                DeclaredDefault = property.GetCustomAttribute<DefaultValueAttribute>()?.Value,
                Validators = validators,
            });
        }
        return result;
    }

    /// <summary>What <paramref name="instance"/>, a new instance, holds in <paramref name="property"/>, as a default a listing
    /// can show: nothing for a type's own default, an empty collection or a nested object.</summary>
    internal static object? DefaultOf(PropertyInfo property, object? instance)
    {
        if (instance is null)
            return null;
        var value = property.GetValue(instance);
        if (value is null || value is ICollection { Count: 0 })
            return null;
        var type = value.GetType();
        if (type.IsValueType && value.Equals(Activator.CreateInstance(type)) && !type.IsEnum)
            return null;
        return KindOf(type) is ParameterKind.Object ? null : value;
    }

    private static IReadOnlyList<(string Wire, string Name, object Value)> EnumMembersOf(Type t) =>
        t.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (
                Wire: f.GetCustomAttribute<EnumMemberAttribute>()?.Value ?? CamelCase(f.Name),
                Name: f.GetCustomAttribute<DescriptionAttribute>()?.Description ?? f.GetCustomAttribute<DisplayAttribute>()?.GetName() ?? Words(f.Name),
                Value: f.GetValue(null)!))
            .ToList();

    internal static string CamelCase(string name) =>
        name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>A property or type name as a label in sentence case, as Camunda's own templates write them:
    /// <c>BasicAuthUsername</c> reads "Basic auth username", <c>SmtpHost</c> "SMTP host", <c>Url</c> "URL".</summary>
    internal static string Words(string name)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            // A new word at an underscore, or at a capital after a small letter or digit.
            if (c == '_' || (i > 0 && char.IsUpper(c) && !char.IsUpper(name[i - 1]) && name[i - 1] != '_'))
            {
                if (word.Length > 0)
                    words.Add(word.ToString());
                word.Clear();
                if (c == '_')
                    continue;
            }
            word.Append(c);
        }
        if (word.Length > 0)
            words.Add(word.ToString());
        var shown = words.Select((w, i) => Acronyms.TryGetValue(w, out var acronym) ? acronym
            : w.All(char.IsUpper) && w.Length > 1 ? w
            : i == 0 ? char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant()
            : w.ToLowerInvariant());
        return string.Join(' ', shown);
    }

    // Words a label writes in capitals (or their own case) wherever they stand.
    private static readonly Dictionary<string, string> Acronyms = new(StringComparer.OrdinalIgnoreCase)
    {
        ["api"] = "API", ["bcc"] = "BCC", ["cc"] = "CC", ["dns"] = "DNS", ["html"] = "HTML", ["http"] = "HTTP", ["https"] = "HTTPS", ["id"] = "ID",
        ["ip"] = "IP", ["json"] = "JSON", ["jwt"] = "JWT", ["oauth"] = "OAuth", ["smtp"] = "SMTP", ["ssl"] = "SSL", ["starttls"] = "STARTTLS",
        ["tls"] = "TLS", ["uri"] = "URI", ["url"] = "URL", ["uuid"] = "UUID", ["xml"] = "XML",
    };
}
