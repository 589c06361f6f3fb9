using Microsoft.Extensions.FileProviders;
using Microsoft.AspNetCore.StaticFiles;

namespace Switchboard.Host.Dashboard;

/// <summary>The dashboard's page, script and styles, embedded in the host's assembly: nothing is fetched from elsewhere,
/// so it works on closed networks.</summary>
internal static class DashboardAssets
{
    private static readonly ManifestEmbeddedFileProvider Files = new(typeof(DashboardAssets).Assembly, "Dashboard/Assets");
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    /// <summary>The embedded file <paramref name="name"/> with its content type, or 404.</summary>
    public static IResult Serve(string name)
    {
        var file = Files.GetFileInfo(name);
        if (!file.Exists || file.IsDirectory)
            return Results.NotFound();
        var type = ContentTypes.TryGetContentType(name, out var known) ? known : "application/octet-stream";
        return Results.Stream(file.CreateReadStream(), type, lastModified: file.LastModified);
    }
}
