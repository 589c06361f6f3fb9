namespace Switchboard.Host.Protocols.Inbound;

/// <summary>One inbound element to serve: which connector, its properties, and how its events correlate — the
/// element's <c>zeebe:properties</c> with Camunda's names, and its message name or process id.</summary>
internal sealed record Activation(
    string Id,
    string ConnectorType,
    string Context,
    IReadOnlyDictionary<string, string> Properties,
    string? MessageName,
    string? BpmnProcessId,
    string? ActivationCondition,
    string? CorrelationKeyExpression,
    string? MessageIdExpression,
    TimeSpan MessageTtl,
    string? ResultVariable,
    string? ResultExpression,
    bool ConsumeUnmatchedEvents)
{
    /// <summary>The values of the secrets this activation was made with (a task's <c>{{secrets.NAME}}</c>, replaced before
    /// it was activated): masked in everything it reports, logs and shows.</summary>
    public IReadOnlyCollection<string> Secrets { get; init; } = [];

    /// <summary><paramref name="text"/> with <see cref="Secrets"/> masked.</summary>
    public string Masked(string text) => Secrets.Count == 0 ? text : new Core.Invoking.SecretMasker(Secrets).Apply(text);

    /// <summary>Camunda's default time to live of a published message.</summary>
    public static readonly TimeSpan DefaultMessageTtl = TimeSpan.FromHours(1);
}
