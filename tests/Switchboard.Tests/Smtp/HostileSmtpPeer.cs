using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Switchboard.Tests.Smtp;

/// <summary>A raw TCP "SMTP server" on a free loopback port that serves one connection the way a test scripts it.</summary>
internal sealed class HostileSmtpPeer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public HostileSmtpPeer(Func<NetworkStream, CancellationToken, Task> serve)
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _serving = Task.Run(async () =>
        {
            try
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                await serve(client.GetStream(), _stop.Token);
            }
            // The connector hung up, or the test is over: either ends the conversation.
            catch (Exception e) when (e is IOException or SocketException || _stop.IsCancellationRequested)
            {
            }
        });
    }

    public int Port { get; }

    /// <summary>
    /// A well-behaved conversation up to the message data's end: <paramref name="dataEnd"/> gets the message's lines and answers them,
    /// returning whether to go on (false hangs up); <paramref name="quit"/> answers QUIT, after which the connection closes.
    /// </summary>
    public static HostileSmtpPeer Conversation(Func<string, StreamWriter, CancellationToken, Task<bool>> dataEnd, Func<StreamWriter, CancellationToken, Task> quit) =>
        new(async (stream, stop) =>
        {
            using var reader = new StreamReader(stream, Encoding.ASCII);
            var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 hostile ESMTP");
            var inData = false;
            var message = new StringBuilder();
            while (await reader.ReadLineAsync(stop) is { } line)
            {
                if (inData)
                {
                    if (line != ".")
                    {
                        message.Append(line).Append('\n');
                        continue;
                    }
                    inData = false;
                    if (!await dataEnd(message.ToString(), writer, stop))
                        return;
                    continue;
                }
                var verb = line.Split(' ')[0].ToUpperInvariant();
                if (verb == "QUIT")
                {
                    await quit(writer, stop);
                    return;
                }
                inData = verb == "DATA";
                await writer.WriteLineAsync(verb switch { "DATA" => "354 go on", "EHLO" or "HELO" => "250 hostile", _ => "250 ok" });
            }
        });

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _serving.WaitAsync(TimeSpan.FromSeconds(30));
        _stop.Dispose();
    }
}
