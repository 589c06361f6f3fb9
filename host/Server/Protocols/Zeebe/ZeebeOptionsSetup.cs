using Switchboard.Host.Logging;
using Microsoft.Extensions.Options;

namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>Fills <see cref="ZeebeOptions"/> left unset from the environment variables Camunda's own clients read
/// (<c>ZEEBE_*</c>, <c>CAMUNDA_*</c>), then validates the gateway address and OAuth settings at start, so a bad one stops
/// the host with the setting named instead of failing when the worker starts.</summary>
internal sealed class ZeebeOptionsSetup(IConfiguration configuration) : IPostConfigureOptions<ZeebeOptions>, IValidateOptions<ZeebeOptions>
{
    private static readonly string[] InsecureNames = ["ZEEBE_INSECURE_CONNECTION", "CAMUNDA_INSECURE_CONNECTION"];

    public void PostConfigure(string? name, ZeebeOptions options)
    {
        options.Address = Pick(options.Address, "ZEEBE_GRPC_ADDRESS", "ZEEBE_ADDRESS", "CAMUNDA_GRPC_ADDRESS");
        options.ClusterId = Pick(options.ClusterId, "CAMUNDA_CLUSTER_ID");
        options.Region = Pick(options.Region, "CAMUNDA_CLUSTER_REGION");
        options.CaCertificatePath = Pick(options.CaCertificatePath, "ZEEBE_CA_CERTIFICATE_PATH", "CAMUNDA_CA_CERTIFICATE_PATH");
        options.ClientId = Pick(options.ClientId, "ZEEBE_CLIENT_ID", "CAMUNDA_CLIENT_ID");
        options.ClientSecret = Pick(options.ClientSecret, "ZEEBE_CLIENT_SECRET", "CAMUNDA_CLIENT_SECRET");
        options.AuthorizationServerUrl = Pick(options.AuthorizationServerUrl, "ZEEBE_AUTHORIZATION_SERVER_URL", "CAMUNDA_OAUTH_URL");
        options.Audience = Pick(options.Audience, "ZEEBE_TOKEN_AUDIENCE", "CAMUNDA_TOKEN_AUDIENCE");
        options.Scope = Pick(options.Scope, "ZEEBE_TOKEN_SCOPE", "CAMUNDA_TOKEN_SCOPE");
        options.RestAddress = Pick(options.RestAddress, "CAMUNDA_REST_ADDRESS");
        if (options.Insecure is null && Pick(null, InsecureNames) is { } insecure && bool.TryParse(insecure, out var flag))
            options.Insecure = flag;
    }

    public ValidateOptionsResult Validate(string? name, ZeebeOptions options)
    {
        var problems = new List<string>();
        if (options.Insecure is null && InsecureNames.FirstOrDefault(n => !string.IsNullOrWhiteSpace(configuration[n])) is { } setting
            && !bool.TryParse(configuration[setting], out _))
            problems.Add($"{setting} must be true or false, not '{configuration[setting]}'");
        if (options.MaxMessageSize < 64 * 1024)
            problems.Add($"Switchboard:Zeebe:MaxMessageSize must be at least 65536 bytes, not {options.MaxMessageSize}");
        if (options.RestAddress is { } rest && (!Uri.TryCreate(rest, UriKind.Absolute, out var restUri) || (restUri.Scheme != Uri.UriSchemeHttp && restUri.Scheme != Uri.UriSchemeHttps)))
            problems.Add($"Switchboard:Zeebe:RestAddress (or CAMUNDA_REST_ADDRESS) must be an http(s) URL such as http://localhost:8080, not '{LoggableUrl.OfSetting(rest)}'");
        try
        {
            // The CA matters only with a gateway to reach; read now, it stops the host with the setting named.
            if (ZeebeAddress.Resolve(options) is not null && options.CaCertificatePath is { Length: > 0 } ca)
                GatewayTrust.LoadAuthority(ca).Dispose();
            OAuthSettings.Resolve(options);
        }
        catch (InvalidOperationException e)
        {
            problems.Add(e.Message);
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private string? Pick(string? configured, params string[] names) =>
        !string.IsNullOrWhiteSpace(configured) ? configured.Trim()
            : names.Select(n => configuration[n]).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
}
