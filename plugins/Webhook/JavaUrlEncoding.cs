using System.Text;

namespace Switchboard.Plugins.Webhook;

/// <summary>Form encoding as Java's <c>URLEncoder</c> writes it (UTF-8): letters, digits and <c>.-*_</c> as they are, a
/// space as <c>+</c>, every other byte as <c>%XX</c>. Camunda's connector signs the query parameters so, and .NET's
/// encoders differ from it (<c>WebUtility.UrlEncode</c> keeps <c>!()</c>, <c>Uri.EscapeDataString</c> writes a space as
/// <c>%20</c>): a signature made by that rule must be checked by it.</summary>
internal static class JavaUrlEncoding
{
    public static string Encode(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
                or (byte)'.' or (byte)'-' or (byte)'*' or (byte)'_')
                result.Append((char)b);
            else if (b == (byte)' ')
                result.Append('+');
            else
                result.Append('%').Append(b.ToString("X2"));
        }
        return result.ToString();
    }
}
