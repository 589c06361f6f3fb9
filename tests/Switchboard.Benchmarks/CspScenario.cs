using System.Text;

namespace Switchboard.Benchmarks;

/// <summary><c>io.switchboard:calculator:1</c> add over CSP.</summary>
internal sealed class CspScenario(string pluginsDirectory) : HostScenario(pluginsDirectory)
{
    protected override string Name => "switchboard csp";
    protected override string Path => "/csp/connector";
    protected override string ExpectedFragment => "\"result\":8";

    protected override byte[] Request { get; } = Encoding.UTF8.GetBytes(
        """{"jsonrpc":"2.0","id":99999999,"method":"io.switchboard:calculator:1","params":{"input":{"action":"add","a":5,"b":3}}}""");
}
