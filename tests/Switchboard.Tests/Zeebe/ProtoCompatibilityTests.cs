using System.Diagnostics;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Switchboard.Tests.Infrastructure;

using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Zeebe;

/// <summary>Our gateway.proto subset against the real Zeebe proto shipped in npm's @camunda8/sdk, both compiled by Grpc.Tools' protoc.</summary>
public sealed class ProtoCompatibilityTests
{
    private const string SdkPackage = "@camunda8/sdk@8.8.13";

    private static string Protoc()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var protoc = Directory.GetDirectories(Path.Combine(root, "grpc.tools"))
            .Select(version => Path.Combine(version, "tools", "linux_x64", "protoc"))
            .FirstOrDefault(File.Exists) ?? throw new InvalidOperationException("protoc from the Grpc.Tools package not found under " + root);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(protoc, File.GetUnixFileMode(protoc) | UnixFileMode.UserExecute);
        return protoc;
    }

    private static async Task<FileDescriptorProto> CompileAsync(string protoFile)
    {
        var output = Path.Combine(Path.GetTempPath(), "switchboard-proto-" + Guid.NewGuid().ToString("N")[..8] + ".pb");
        var start = new ProcessStartInfo(Protoc(), ["-I", Path.GetDirectoryName(protoFile)!, "--descriptor_set_out=" + output, Path.GetFileName(protoFile)])
        {
            RedirectStandardError = true,
        };
        using var protoc = Process.Start(start)!;
        var errors = await protoc.StandardError.ReadToEndAsync();
        await protoc.WaitForExitAsync();
        protoc.ExitCode.Should().Be(0, errors);
        var set = FileDescriptorSet.Parser.ParseFrom(await File.ReadAllBytesAsync(output));
        File.Delete(output);
        return set.File.Single();
    }

    [Fact]
    public async Task Every_field_and_call_of_our_subset_matches_the_real_gateway_proto()
    {
        var sdk = await NpmPackage.InstallAsync(SdkPackage);
        var real = await CompileAsync(Path.Combine(sdk, "dist", "proto", "zeebe.proto"));
        var ours = await CompileAsync(Path.Combine(Repository.Root, "host", "Server", "Protocols", "Zeebe", "Proto", "gateway.proto"));

        ours.Package.Should().Be(real.Package).And.Be("gateway_protocol");
        var realMessages = real.MessageType.ToDictionary(m => m.Name);
        var compared = 0;
        foreach (var message in ours.MessageType)
        {
            realMessages.Should().ContainKey(message.Name, "our messages are a subset of the gateway's");
            var realFields = realMessages[message.Name].Field.ToDictionary(f => f.Number);
            foreach (var field in message.Field)
            {
                realFields.Should().ContainKey(field.Number, $"{message.Name}.{field.Name} is field {field.Number} in the real proto");
                var theirs = realFields[field.Number];
                (field.Name, field.Type, field.Label, field.TypeName).Should().Be((theirs.Name, theirs.Type, theirs.Label, theirs.TypeName),
                    $"{message.Name} field {field.Number} must have the gateway's name, type and label");
                compared++;
            }
        }
        compared.Should().BeGreaterThan(40);

        var realCalls = real.Service.Single(s => s.Name == "Gateway").Method.ToDictionary(m => m.Name);
        foreach (var call in ours.Service.Single().Method)
        {
            realCalls.Should().ContainKey(call.Name);
            (call.InputType, call.OutputType, call.ServerStreaming, call.ClientStreaming).Should().Be(
                (realCalls[call.Name].InputType, realCalls[call.Name].OutputType, realCalls[call.Name].ServerStreaming, realCalls[call.Name].ClientStreaming),
                $"{call.Name} must be the gateway's call");
        }
    }
}
