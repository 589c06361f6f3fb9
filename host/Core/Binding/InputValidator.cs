using System.Collections;
using System.ComponentModel.DataAnnotations;

namespace Switchboard.Core.Binding;

/// <summary>Runs a bound input's DataAnnotations attributes and <see cref="IValidatableObject"/> checks, naming each field by its path.</summary>
/// <remarks>
/// Calls each attribute itself instead of <see cref="Validator"/>: the latter caches every type it sees in a
/// process-wide store (and TypeDescriptor), which would keep unloaded plugin types alive.
/// </remarks>
internal static class InputValidator
{
    public static void Validate(object instance, ObjectModel model, List<FieldError> errors) =>
        ValidateObject(instance, model, "", errors, 0);

    private static void ValidateObject(object instance, ObjectModel model, string prefix, List<FieldError> errors, int depth)
    {
        if (depth > 64)
            return;
        // Every call validates its input: indexed loops and one context per object, made only when an attribute needs it.
        ValidationContext? context = null;
        var properties = model.Properties;
        for (var p = 0; p < properties.Count; p++)
        {
            var property = properties[p];
            var validators = property.ValueChecks;
            if (validators.Count == 0 && property.Value.Object is null && property.Value.Item?.Object is null)
                continue; // nothing to check in it: not read, so a value type is not boxed for nothing
            var path = prefix.Length == 0 ? property.Id : prefix + "." + property.Id;
            if (AlreadyReported(errors, path))
                continue; // already reported while binding; one message per field is clearer
            var value = property.Property.GetValue(instance);
            for (var v = 0; v < validators.Count; v++)
            {
                var validator = validators[v];
                if (JudgesValueAlone(validator) && validator.IsValid(value))
                    continue;
                context ??= new ValidationContext(instance);
                context.MemberName = property.Property.Name;
                context.DisplayName = property.Id;
                var result = validator.GetValidationResult(value, context);
                if (result is not null && result != ValidationResult.Success)
                {
                    errors.Add(new FieldError(path, WithoutFieldName(result.ErrorMessage, property.Id)));
                    break;
                }
            }
            if (value is null)
                continue;
            if (property.Value.Object is { } nested)
                ValidateObject(value, nested, path, errors, depth + 1);
            else if (property.Value.Item?.Object is { } itemModel && value is IEnumerable items and not string)
            {
                var index = 0;
                foreach (var item in items)
                {
                    var element = item is DictionaryEntry entry ? entry.Value : item;
                    if (element is not null)
                        ValidateObject(element, itemModel, $"{path}[{index}]", errors, depth + 1);
                    index++;
                }
            }
        }

        if (instance is IValidatableObject validatable)
            ValidateWhole(validatable, model, prefix, errors);
    }

    // Apart from ValidateObject: its lambdas capture the model, and the closure holding it would otherwise be made on
    // every call of ValidateObject, whether the object validates itself or not.
    private static void ValidateWhole(IValidatableObject validatable, ObjectModel model, string prefix, List<FieldError> errors)
    {
        var whole = new ValidationContext(validatable) { DisplayName = model.ClrType.Name };
        foreach (var result in validatable.Validate(whole))
        {
            if (result == ValidationResult.Success)
                continue;
            var members = result.MemberNames.Select(name =>
                model.Properties.FirstOrDefault(p => p.Property.Name == name)?.Id ?? name).ToList();
            var field = members.Count == 0 ? prefix : (prefix.Length == 0 ? members[0] : prefix + "." + members[0]);
            errors.Add(new FieldError(field.Length == 0 ? "input" : field, result.ErrorMessage ?? "is not valid"));
        }
    }

    // The framework's own value checks, exactly these types (a subclass may override the check that takes the
    // context): each judges the value alone, so a valid value is passed without a ValidationContext, which makes a
    // dictionary of its own for every object validated. A failure, and every other attribute, goes through
    // GetValidationResult with the context, as the runtime's Validator does, for the same message.
    private static readonly HashSet<Type> ValueAloneAttributes =
    [
        typeof(RequiredAttribute), typeof(RangeAttribute), typeof(StringLengthAttribute), typeof(MinLengthAttribute),
        typeof(MaxLengthAttribute), typeof(LengthAttribute), typeof(RegularExpressionAttribute), typeof(AllowedValuesAttribute),
        typeof(DeniedValuesAttribute), typeof(EmailAddressAttribute), typeof(UrlAttribute), typeof(PhoneAttribute), typeof(Base64StringAttribute),
    ];

    private static bool JudgesValueAlone(ValidationAttribute validator) => ValueAloneAttributes.Contains(validator.GetType());

    private static bool AlreadyReported(List<FieldError> errors, string path)
    {
        foreach (var error in errors)
        {
            var field = error.Field;
            if (field == path || (field.Length > path.Length && field.StartsWith(path, StringComparison.Ordinal) && field[path.Length] is '.' or '['))
                return true;
        }
        return false;
    }

    /// <summary>DataAnnotations' default messages start "The field x ..."; the field is named beside the message already.</summary>
    private static string WithoutFieldName(string? message, string field)
    {
        if (string.IsNullOrEmpty(message))
            return "is not valid";
        foreach (var prefix in new[] { $"The field {field} ", $"The {field} field ", $"{field} " })
            if (message.StartsWith(prefix, StringComparison.Ordinal))
                return message[prefix.Length..];
        return message;
    }
}
