namespace Switchboard.Host.Protocols.Zeebe.Secrets;

/// <summary>Where <c>{{secrets.NAME}}</c> placeholders in job variables get their values; register another implementation to use a vault.</summary>
public interface ISecretProvider
{
    /// <summary>The secret called <paramref name="name"/>, or null when there is none (the placeholder then stays as it is).</summary>
    string? Find(string name);
}
