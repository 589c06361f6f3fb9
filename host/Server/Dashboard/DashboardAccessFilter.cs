using System.Net;

namespace Switchboard.Host.Dashboard;

/// <summary>Serves the dashboard only where <see cref="DashboardOptions.Enabled"/> allows: by default to requests that
/// reached the host on a loopback address; elsewhere it does not exist (404).</summary>
internal sealed class DashboardAccessFilter(DashboardOptions options) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (options.Enabled is null && context.HttpContext.Connection.LocalIpAddress is { } local && !IPAddress.IsLoopback(local))
            return ValueTask.FromResult<object?>(Results.NotFound());
        return next(context);
    }
}
