using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Core.Binding;

namespace Switchboard.Core;

/// <summary>A typed failure: code, message, data and whether retrying can help. Never holds a secret or a stack trace.</summary>
public sealed record InvocationError(ErrorKind Kind, string Code, string Message, bool Retryable)
{
    /// <summary>Extra data the connector attached, as JSON.</summary>
    public JsonNode? Data { get; init; }

    /// <summary>Each input field that failed, for <see cref="ErrorKind.InvalidInput"/>.</summary>
    public IReadOnlyList<FieldError> FieldErrors { get; init; } = [];

    /// <summary>Retries the connector asked the job to keep; null keeps the protocol's rule.</summary>
    public int? Retries { get; init; }

    /// <summary>Backoff the connector asked for before the next attempt.</summary>
    public TimeSpan? RetryBackoff { get; init; }

    /// <summary>The 4xx/5xx status the connector said the failure stands for; null lets each protocol choose.</summary>
    public int? StatusCode { get; init; }
}

/// <summary>What a call produced: output JSON, or an error.</summary>
public sealed record Outcome
{
    private JsonNode? _output;

    // The output as the core wrote it (UTF-8 JSON text, escaped only as JSON requires), until something reads Output:
    // an adapter that writes the text as it is (CSP) never parses it.
    private readonly byte[]? _outputText;

    private Outcome(JsonNode? output, InvocationError? error, ResponseFacts? response = null, byte[]? outputText = null)
    {
        _output = output;
        _outputText = outputText;
        Error = error;
        Response = response;
    }

    /// <summary>The connector's output; null when it returns nothing or the call failed.</summary>
    public JsonNode? Output => _output ?? (_outputText is null ? null : ParseOutput());

    /// <summary>The failure, or null on success.</summary>
    public InvocationError? Error { get; }

    /// <summary>Status, headers and media type the connector returned with its output (a <c>ConnectorResponse</c>); null for a plain output.</summary>
    public ResponseFacts? Response { get; }

    public bool Succeeded => Error is null;

    public static Outcome Success(JsonNode? output, ResponseFacts? response = null) => new(output, null, response);

    public static Outcome Failure(InvocationError error) => new(null, error);

    /// <summary>A success whose output is <paramref name="outputText"/>, JSON text escaped only as JSON requires (null
    /// for none), parsed only when <see cref="Output"/> is read.</summary>
    internal static Outcome Success(byte[]? outputText, ResponseFacts? response) => new(null, null, response, outputText);

    /// <summary>Whether the call produced output, without reading it as nodes.</summary>
    internal bool HasOutput => _output is not null || _outputText is not null;

    /// <summary>Writes the output (JSON null for none) to <paramref name="json"/>: as the text it was written as when
    /// the writer would escape it no differently, otherwise from <see cref="Output"/>.</summary>
    internal void WriteOutputTo(Utf8JsonWriter json)
    {
        if (_output is null && _outputText is not null && (json.Options.Encoder == JavaScriptEncoder.UnsafeRelaxedJsonEscaping || EscapesAlike(_outputText)))
            json.WriteRawValue(_outputText, skipInputValidation: true);
        else if (Output is { } output)
            output.WriteTo(json);
        else
            json.WriteNullValue();
    }

    // The text is written with relaxed escaping. Another writer (the default encoder) escapes more: non-ASCII, the
    // HTML-sensitive < > & ' + ` and, as \u0022, a quote inside a string. Text with none of them, and no backslash (any
    // escape the relaxed writer made), reads the same under both: no character in it needs escaping by either.
    private static readonly System.Buffers.SearchValues<byte> EscapedByDefault = System.Buffers.SearchValues.Create("<>&'+`\\"u8);

    private static bool EscapesAlike(byte[] text) =>
        text.AsSpan().IndexOfAny(EscapedByDefault) < 0 && text.AsSpan().IndexOfAnyInRange((byte)0x7F, (byte)0xFF) < 0;

    // Two readers racing get the same node: one that is changed must be the one every reader sees.
    private JsonNode? ParseOutput()
    {
        var parsed = OutputWriter.Read(_outputText!);
        return Interlocked.CompareExchange(ref _output, parsed, null) ?? parsed;
    }
}
