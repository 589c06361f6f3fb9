using System.Text;

namespace Switchboard.Host.Isolation;

/// <summary>Reads what a worker process writes on its standard output or error, line by line, each line cut at
/// <see cref="MaxLineLength"/> characters.</summary>
/// <remarks>
/// <see cref="System.Diagnostics.Process.BeginOutputReadLine"/> would gather a line however long it grows: plugin code
/// writing to the console without a newline grew the host's memory by gigabytes, past any ceiling the worker itself is
/// held to. Here a line holds at most <see cref="MaxLineLength"/> characters; the rest of it is counted and dropped.
/// </remarks>
internal static class WorkerOutput
{
    /// <summary>The longest line kept: room for a log event with its exception's stack.</summary>
    public const int MaxLineLength = 64 * 1024;

    /// <summary>Hands each line of <paramref name="reader"/> to <paramref name="line"/> until the stream ends; a line cut
    /// short starts with a note of how many characters were dropped.</summary>
    public static async Task PumpAsync(TextReader reader, Action<string> line)
    {
        var buffer = new char[16 * 1024];
        var kept = new StringBuilder();
        long dropped = 0;
        int read;
        while ((read = await ReadAsync(reader, buffer)) > 0)
        {
            var start = 0;
            int end;
            while ((end = buffer.AsSpan(start, read - start).IndexOf('\n')) >= 0)
            {
                Keep(buffer.AsSpan(start, end));
                Hand();
                start += end + 1;
            }
            Keep(buffer.AsSpan(start, read - start));
        }
        if (kept.Length > 0 || dropped > 0)
            Hand();

        static async Task<int> ReadAsync(TextReader reader, char[] buffer)
        {
            try
            {
                return await reader.ReadAsync(buffer);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                return 0; // the worker is gone: its output ends here
            }
        }

        void Keep(ReadOnlySpan<char> part)
        {
            var room = MaxLineLength - kept.Length;
            kept.Append(part[..Math.Min(room, part.Length)]);
            dropped += Math.Max(0, part.Length - room);
        }

        void Hand()
        {
            if (kept.Length > 0 && kept[^1] == '\r')
                kept.Length--;
            // In front: a log line is itself cut at Switchboard:Log:MaxValueLength, which would hide a note at the end.
            if (dropped > 0)
                kept.Insert(0, $"[line cut at {MaxLineLength} characters, {dropped} more dropped] ");
            try
            {
                line(kept.ToString());
            }
            catch (Exception)
            {
                // The line is lost, the stream is not: a pump that ended here left the worker blocked on a full pipe
                // at its next write, and every call writing there hung until its timeout.
            }
            kept.Clear();
            dropped = 0;
        }
    }
}
