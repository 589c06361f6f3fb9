namespace Switchboard.Plugins.Smtp;

/// <summary>What the server accepted.</summary>
/// <param name="MessageId">The Message-Id header of the sent message.</param>
/// <param name="Recipients">Every envelope recipient the server accepted (to, cc and bcc).</param>
/// <param name="ServerResponse">The server's final reply to the message data.</param>
public sealed record SmtpOutput(string MessageId, IReadOnlyList<string> Recipients, string ServerResponse);
