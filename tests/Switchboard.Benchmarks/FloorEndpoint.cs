using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Switchboard.Benchmarks;

/// <summary>A second baseline: bare Kestrel doing only the work any JSON endpoint for this call must do, written by
/// hand for this one request. It reads the whole body, parses it as our host does (duplicate names refused), takes
/// <c>a</c>, <c>b</c> and <c>action</c> from the input, adds them and writes the same answer our host wrote, through a
/// JSON writer, with the request's <c>id</c> and the computed result in their places.</summary>
/// <remarks>What it leaves out is what the host does beyond that: finding the connector among those loaded, binding
/// and validating the input by its declared types, the call's timeout, concurrency limit and cancellation, running
/// plugin code in its load context off the answering thread's fate, metrics, the dashboard's list, the refusal
/// layers. The rate between bare Kestrel and this endpoint is what the call's unavoidable work costs on the machine;
/// between this endpoint and the host, what the host adds.</remarks>
internal sealed class FloorEndpoint : IAsyncDisposable
{
    private static readonly JsonDocumentOptions Parsing = new() { MaxDepth = 64, AllowDuplicateProperties = false };
    private readonly WebApplication _app;

    private FloorEndpoint(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>Starts the endpoint at <paramref name="path"/>; <paramref name="answer"/> is the host's answer to
    /// <paramref name="request"/>, which the endpoint must write byte for byte (checked before it is measured).</summary>
    public static async Task<FloorEndpoint> StartAsync(string path, byte[] request, byte[] answer)
    {
        var template = JsonDocument.Parse(answer).RootElement.Clone();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost(path, (HttpContext http) => AnswerAsync(http, template));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var endpoint = new FloorEndpoint(app, new Uri(new Uri(address), path));

        using var client = new HttpClient();
        using var content = new ByteArrayContent(request);
        content.Headers.ContentType = new("application/json");
        using var probe = await client.PostAsync(endpoint.Url, content);
        var written = await probe.Content.ReadAsByteArrayAsync();
        if (!written.AsSpan().SequenceEqual(answer))
            throw new InvalidOperationException($"the floor endpoint answered {System.Text.Encoding.UTF8.GetString(written)}, the host {System.Text.Encoding.UTF8.GetString(answer)}");
        return endpoint;
    }

    private static async Task AnswerAsync(HttpContext http, JsonElement template)
    {
        var reader = http.Request.BodyReader;
        ReadResult read;
        while (!(read = await reader.ReadAsync()).IsCompleted)
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        var body = read.Buffer.ToArray();
        reader.AdvanceTo(read.Buffer.End);

        using var document = JsonDocument.Parse(body, Parsing);
        var root = document.RootElement;
        var input = root.TryGetProperty("params", out var parameters) ? parameters.GetProperty("input") : root;
        var (a, b) = (input.GetProperty("a").GetDecimal(), input.GetProperty("b").GetDecimal());
        var result = input.GetProperty("action").ValueEquals("add"u8) ? a + b : a - b;

        http.Response.ContentType = "application/json";
        await http.Response.StartAsync();
        await using (var json = new Utf8JsonWriter(http.Response.BodyWriter))
            Write(json, template, root.TryGetProperty("id", out var id) ? id : default, result);
        await http.Response.BodyWriter.FlushAsync();
    }

    // The template's values, with "id" and "result" taken from this request.
    private static void Write(Utf8JsonWriter json, JsonElement template, JsonElement id, decimal result)
    {
        switch (template.ValueKind)
        {
            case JsonValueKind.Object:
                json.WriteStartObject();
                foreach (var property in template.EnumerateObject())
                {
                    json.WritePropertyName(property.Name);
                    if (property.NameEquals("id"u8) && id.ValueKind != JsonValueKind.Undefined)
                        id.WriteTo(json);
                    else if (property.NameEquals("result"u8) && property.Value.ValueKind == JsonValueKind.Number)
                        json.WriteNumberValue(result);
                    else
                        Write(json, property.Value, id, result);
                }
                json.WriteEndObject();
                break;
            case JsonValueKind.Array:
                json.WriteStartArray();
                foreach (var item in template.EnumerateArray())
                    Write(json, item, id, result);
                json.WriteEndArray();
                break;
            default:
                template.WriteTo(json);
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
