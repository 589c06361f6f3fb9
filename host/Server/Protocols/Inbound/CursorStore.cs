using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>Keeps each polling activation's cursor on disk, so that a restart or a reload picks up where the last
/// complete poll left off.</summary>
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
    public async Task<string?> LoadAsync(string activationId, CancellationToken cancellationToken)
    {
        var path = PathOf(activationId);
        return File.Exists(path) ? await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken) : null;
    }

    /// <summary>Saves <paramref name="cursor"/> for <paramref name="activationId"/>, replacing the last one whole.</summary>
    public async Task SaveAsync(string activationId, string cursor, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(_directory);
        var path = PathOf(activationId);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllTextAsync(temporary, cursor, Encoding.UTF8, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    private string PathOf(string activationId) =>
        Path.Combine(_directory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(activationId)))[..32] + ".cursor");
}
