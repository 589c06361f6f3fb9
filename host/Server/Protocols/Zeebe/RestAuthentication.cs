using System.Net;
using System.Net.Http.Headers;
namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>Sends the orchestration cluster REST API the same OAuth bearer token the Zeebe adapter sends the gateway
/// (one client is authorized for both in a cluster); a 401 makes the next request fetch a new token.</summary>
internal sealed class RestAuthentication(IServiceProvider services) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var tokens = services.GetService<ZeebeWorkers>()?.Tokens;
        if (tokens is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetAsync(cancellationToken));
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
            tokens?.Invalidate();
        return response;
    }
}
