using System.Net.Sockets;
using System.Text;

namespace Switchboard.Tests.Infrastructure;

/// <summary>Sends bytes no well-behaved HTTP client would send (a broken chunked body, a NUL in the path) and reads the raw answer.</summary>
public static class RawHttp
{
    /// <summary>The status code and body of the answer to <paramref name="request"/>, read until the host closes the connection or the answer is complete.</summary>
    public static async Task<(int Status, string Body)> SendAsync(Uri address, string request, bool includeHeaders = false)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        await stream.FlushAsync();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = new MemoryStream();
        var buffer = new byte[8192];
        while (true)
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
                break;
            received.Write(buffer, 0, read);
            if (Complete(received.ToArray()))
                break;
        }
        var text = Encoding.UTF8.GetString(received.ToArray());
        var status = int.Parse(text.Split(' ', 3)[1]);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (status, includeHeaders ? text : split < 0 ? "" : text[(split + 4)..]);
    }

    private static bool Complete(byte[] received)
    {
        var text = Encoding.UTF8.GetString(received);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0)
            return false;
        var length = text[..split].Split("\r\n")
            .FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return length is not null && Encoding.UTF8.GetByteCount(text[(split + 4)..]) >= int.Parse(length["Content-Length:".Length..].Trim());
    }
}
