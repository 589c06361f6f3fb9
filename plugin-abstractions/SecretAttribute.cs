namespace Switchboard.Abstractions;

/// <summary>Marks an input parameter as secret: its value is masked in every log line, error and response.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class SecretAttribute : Attribute
{
}
