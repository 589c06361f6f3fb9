using System.Text;

namespace Switchboard.Benchmarks;

/// <summary><c>calculator/Calculate</c> through <c>/v1/do</c> with the body SpiffArena's backend sends.</summary>
internal sealed class SpiffScenario(string pluginsDirectory) : HostScenario(pluginsDirectory)
{
    protected override string Name => "switchboard spiff";
    protected override string Path => "/v1/do/calculator/Calculate";
    protected override string ExpectedFragment => "\"result\":42";

    protected override byte[] Request { get; } = Encoding.UTF8.GetBytes("""
        {"action":"add","a":20,"b":22,"spiff__process_instance_id":42,"spiff__process_model_identifier":"group/model",
         "spiff__task_id":"88f9b549-2b2a-4a8e-9d29-4f7ef5b6c1aa","spiff__task_data":{"foo":1}}
        """);
}
