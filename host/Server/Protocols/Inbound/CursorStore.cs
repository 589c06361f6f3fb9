using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>Keeps each polling activation's cursor on disk, so that a restart or a reload picks up where the last
/// complete poll left off, and beside it the move a poll could not settle with the message id its events went out
/// under, so that a restart does not publish them twice.</summary>
/// <remarks>One file per activation, named by a hash of its id (ids are BPMN ids and configuration keys, not file
/// names), written to a temporary file and moved over the old one, so a crash mid-write leaves the old cursor.</remarks>
internal sealed class CursorStore
{
    private readonly string _directory;

    public CursorStore(IOptions<InboundOptions> options) =>
        _directory = options.Value.StateDirectory is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "switchboard", "inbound");

    /// <summary>The folder the cursors are kept in.</summary>
    public string Directory => _directory;

    /// <summary>The cursor saved for <paramref name="activationId"/>, or null when none was.</summary>
    /// <exception cref="IOException">The cursor file cannot be read, or is not a regular file.</exception>
    public async Task<string?> LoadAsync(string activationId, CancellationToken cancellationToken)
    {
        return await RegularFile.ReadTextAsync(PathOf(activationId), cancellationToken);
    }

    /// <summary>Saves <paramref name="cursor"/> for <paramref name="activationId"/>, replacing the last one whole.</summary>
    public Task SaveAsync(string activationId, string cursor, CancellationToken cancellationToken) =>
        WriteAsync(PathOf(activationId), cursor, cancellationToken);

    /// <summary>The cursor move whose events are not all settled, and the message id they were published under, as
    /// <see cref="SaveUnsettledAsync"/> kept it; null when none is.</summary>
    public async Task<UnsettledMove?> LoadUnsettledAsync(string activationId, CancellationToken cancellationToken)
    {
        if (await RegularFile.ReadTextAsync(PathOf(activationId, ".unsettled"), cancellationToken) is not { } text)
            return null;
        try
        {
            var kept = JsonNode.Parse(text);
            return kept?["to"]?.GetValue<string>() is { } to && kept["id"]?.GetValue<string>() is { } id ? new UnsettledMove(kept["from"]?.GetValue<string>(), to, id) : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // A damaged record only loses the protection it gave; the cursor itself is kept apart.
            return null;
        }
    }

    /// <summary>Keeps the unsettled cursor move and its message id across a restart or a reload, so the events published
    /// before it are published under the same ids when the same move is polled again (Zeebe refuses the repeats).</summary>
    public async Task SaveUnsettledAsync(string activationId, UnsettledMove unsettled, CancellationToken cancellationToken)
    {
        var record = new JsonObject { ["from"] = unsettled.From, ["to"] = unsettled.To, ["id"] = unsettled.Id };
        await WriteAsync(PathOf(activationId, ".unsettled"), record.ToJsonString(), cancellationToken);
    }

    /// <summary>Forgets the unsettled move once the cursor has moved on.</summary>
    public void ForgetUnsettled(string activationId) => File.Delete(PathOf(activationId, ".unsettled"));

    private async Task WriteAsync(string path, string text, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(_directory);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await File.WriteAllTextAsync(temporary, text, Encoding.UTF8, cancellationToken);
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            // A write or move that failed (a full disk, a folder where the file belongs) must not leave its temporary
            // file behind: a failing save is retried every poll, and each left one more.
            try
            {
                File.Delete(temporary);
            }
            catch (IOException)
            {
            }
            throw;
        }
    }

    private string PathOf(string activationId, string extension = ".cursor") =>
        Path.Combine(_directory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(activationId)))[..32] + extension);
}
