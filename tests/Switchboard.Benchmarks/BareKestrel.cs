using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Switchboard.Benchmarks;

/// <summary>The baseline: Kestrel alone doing the calculator's work (parse the JSON body, add, write JSON), no host around it.</summary>
public static class BareKestrel
{
    /// <summary>Starts the bare endpoint <c>POST /calculate</c> on a free loopback port.</summary>
    public static async Task<(WebApplication App, Uri Address)> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/calculate", async (HttpContext http) =>
        {
            var body = (await JsonNode.ParseAsync(http.Request.Body))!.AsObject();
            var result = body["a"]!.GetValue<double>() + body["b"]!.GetValue<double>();
            return Results.Json(new JsonObject { ["result"] = result, ["action"] = body["action"]!.GetValue<string>() });
        });
        await app.StartAsync();
        return (app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()));
    }
}
