using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Switchboard.Host.Hosting;

namespace Switchboard.Benchmarks;

/// <summary><c>calculator/Calculate</c> through the real host's <c>/v1/do</c>, with the body SpiffArena's backend sends.</summary>
public static class SpiffScenario
{
    public const string Body = """
        {"action":"add","a":20,"b":22,"spiff__process_instance_id":42,"spiff__process_model_identifier":"group/model",
         "spiff__task_id":"88f9b549-2b2a-4a8e-9d29-4f7ef5b6c1aa","spiff__task_data":{"foo":1},
         "spiff__callback_url":"http://127.0.0.1:7000/v1.0/tasks/42/88f9b549-2b2a-4a8e-9d29-4f7ef5b6c1aa/callback"}
        """;

    public static async Task<LoadResult> RunAsync(string pluginsDirectory, LoadSettings settings)
    {
        var app = SwitchboardApp.Create(["--plugins", pluginsDirectory, "--urls", "http://127.0.0.1:0", "--Switchboard:Log:Level=Warning",
            "--Switchboard:Catalog:Watch=false"]);
        await app.StartAsync();
        try
        {
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            return await LoadRunner.RunAsync("spiff /v1/do calculator/Calculate", new Uri(address, "/v1/do/calculator/Calculate"), Body, Succeeded, settings);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static bool Succeeded(HttpStatusCode status, string text) =>
        status == HttpStatusCode.OK && JsonNode.Parse(text)?["command_response"]?["body"]?["result"]?.GetValue<double>() == 42;
}
