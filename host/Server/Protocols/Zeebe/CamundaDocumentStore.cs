using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Abstractions.Documents;
using Switchboard.Host.Logging;

namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>Camunda's document store behind the orchestration cluster REST API, for one job: <c>POST /v2/documents</c>
/// with the bytes as the multipart <c>file</c> part and their metadata (content type, file name, and the job's process
/// definition id and process instance key, as Camunda's runtime records them) as the <c>metadata</c> JSON part; the
/// 201 answer is the document's reference. The HTTP client sends the gateway's OAuth token.</summary>
internal sealed class CamundaDocumentStore(HttpClient client, Uri restAddress, string processDefinitionId, long processInstanceKey) : IDocumentStore
{
    // A store's refusal is quoted in the job's error; this much of its problem detail is enough to act on.
    private const int MaxDetail = 300;

    // A reference or a problem detail is a few hundred bytes: a store answering more is broken or hostile, and its answer
    // is not held in memory whole (the client's own buffering would take up to 2 GB).
    private const int MaxAnswerBytes = 1024 * 1024;

    public async Task<DocumentReference> CreateAsync(DocumentCreation document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var form = new MultipartFormDataContent();
        var file = new ReadOnlyMemoryContent(document.Content);
        file.Headers.ContentType = MediaTypeHeaderValue.TryParse(document.ContentType, out var type) ? type : new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", string.IsNullOrWhiteSpace(document.FileName) ? "document" : document.FileName);
        var metadata = new JsonObject
        {
            ["contentType"] = file.Headers.ContentType.ToString(),
            ["fileName"] = document.FileName,
            ["processDefinitionId"] = processDefinitionId,
            ["processInstanceKey"] = processInstanceKey.ToString(CultureInfo.InvariantCulture),
        };
        form.Add(new StringContent(metadata.ToJsonString(), Encoding.UTF8, "application/json"), "metadata");

        var where = LoggableUrl.Of(restAddress);
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(restAddress, "v2/documents")) { Content = form };
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new DocumentStoreException($"the document store at {where} could not be reached ({e.HttpRequestError})", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DocumentStoreException($"the document store at {where} did not answer in time", e);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw new DocumentStoreException($"the document store at {where} refused the document: {(int)response.StatusCode} {await ProblemAsync(response, cancellationToken)}")
                {
                    StatusCode = (int)response.StatusCode,
                };
            JsonElement reference;
            try
            {
                var answer = await BoundedContent.ReadAsync(response.Content, MaxAnswerBytes, cancellationToken)
                    ?? throw new DocumentStoreException($"the document store at {where} answered more than {MaxAnswerBytes / 1024} KiB for a document reference, which is a few hundred bytes");
                using var parsed = JsonDocument.Parse(answer);
                reference = parsed.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new DocumentStoreException($"the document store at {where} answered with no JSON document reference", e);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                throw new DocumentStoreException($"the document store at {where} broke off its answer", e);
            }
            return Reference(reference) ?? throw new DocumentStoreException($"the document store at {where} answered a reference with no documentId");
        }
    }

    /// <summary>The reference a store answered, or null when it names no document (a worker process reads it back with this too).</summary>
    public static DocumentReference? Reference(JsonElement reference)
    {
        if (reference.ValueKind != JsonValueKind.Object || !reference.TryGetProperty("documentId", out var id) || id.ValueKind != JsonValueKind.String)
            return null;
        return new DocumentReference
        {
            DocumentId = id.GetString()!,
            StoreId = reference.TryGetProperty("storeId", out var store) && store.ValueKind == JsonValueKind.String ? store.GetString() : null,
            ContentHash = reference.TryGetProperty("contentHash", out var hash) && hash.ValueKind == JsonValueKind.String ? hash.GetString() : null,
            Json = reference.Clone(),
        };
    }

    // A member of a JSON object as text (a string as itself, anything else as its JSON); null when absent or not an object.
    private static string? Member(JsonElement problem, string name) =>
        problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty(name, out var value) && value.ValueKind is not JsonValueKind.Null
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;

    // The problem detail's title and detail (RFC 9457, as the REST API answers errors), escaped and cut.
    private static async Task<string> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            if (await BoundedContent.ReadAsync(response.Content, MaxAnswerBytes, cancellationToken) is not { } answer)
                return LogValueSanitizer.Escape(response.ReasonPhrase ?? "", MaxDetail);
            // Read from the parsed document: a member named twice reads as its last value, as Jackson reads it.
            using var problem = JsonDocument.Parse(answer);
            var text = string.Join(": ", new[] { Member(problem.RootElement, "title"), Member(problem.RootElement, "detail") }.Where(t => !string.IsNullOrWhiteSpace(t)));
            return LogValueSanitizer.Escape(text.Length > 0 ? text : response.ReasonPhrase ?? "", MaxDetail);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or HttpRequestException or IOException)
        {
            return LogValueSanitizer.Escape(response.ReasonPhrase ?? "", MaxDetail);
        }
    }
}
