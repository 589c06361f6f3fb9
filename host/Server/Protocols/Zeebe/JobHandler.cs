using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using Switchboard.Abstractions;
using Switchboard.Abstractions.Zeebe;
using Switchboard.Feel.Connectors;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Host.Invocation;
using Switchboard.Host.Protocols.Zeebe.Gateway;
using Switchboard.Host.Protocols.Zeebe.Secrets;
using Call = Switchboard.Host.Invocation.Invocation;
using FeelFailure = Switchboard.Feel.Connectors.ConnectorFailure;

namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>One activated job: headers and variables into an invocation, its outcome into CompleteJob or FailJob.</summary>
/// <param name="documents">Camunda's document store for a job, when the cluster's REST API is known; handed to the
/// connector as a feature beside the <see cref="ZeebeJob"/>.</param>
/// <param name="commands">Sends the job's commands to the gateway.</param>
internal sealed class JobHandler(Gateway.Gateway.GatewayClient gateway, InvocationPipeline pipeline, ISecretProvider secrets, ILogger logger,
    JobCommands commands, TimeProvider time, Func<ActivatedJob, Switchboard.Abstractions.Documents.IDocumentStore>? documents = null)
{
    /// <summary>FailJob messages longer than this are cut (the connector runtime's limit).</summary>
    public const int MaxErrorMessage = 6000;

    /// <summary>Completion variables larger than this fail the job instead (the gateway refuses bigger commands).</summary>
    public const int MaxVariablesBytes = 1536 * 1024;

    /// <summary>Runs a job of a type the host serves itself and reports its result.</summary>
    public async Task HandleAsync(ActivatedJob job, IHostJob hostJob, CancellationToken stopping)
    {
        if (Variables(job, out var usedSecrets, out var problem) is not { } variables)
        {
            await FailAsync(job, 0, problem, "InvalidVariables", TimeSpan.Zero, stopping);
            return;
        }
        var result = await hostJob.RunAsync(variables, usedSecrets, stopping);
        if (result.Variables is { } completion)
            await CompleteAsync(job, completion, stopping);
        else
            await FailAsync(job, result.Retryable ? OneRetryLess(job.Retries) : 0, new SecretMasker(usedSecrets).Apply(result.ErrorMessage ?? "the job failed"),
                result.ErrorCode ?? "Failed", result.Retryable ? TimeSpan.FromSeconds(10) : TimeSpan.Zero, stopping);
    }

    /// <summary>Fails a job the host itself failed on (a defect of ours, not the connector's) with one retry less: left
    /// unreported, it was handed out again at each job timeout and failed the same way, with no incident ever raised.
    /// The message names the exception's type only; its details are in the host's log.</summary>
    public Task FailForHostErrorAsync(ActivatedJob job, Exception e, CancellationToken stopping) =>
        FailAsync(job, OneRetryLess(job.Retries), $"the host failed handling the job ({e.GetType().Name}); its log has the details", "HostError",
            TimeSpan.Zero, stopping);

    /// <summary>The job's variables with secret placeholders replaced (the secrets used in <paramref name="usedSecrets"/>), or
    /// null with the <paramref name="problem"/> when they are no JSON object.</summary>
    private JsonObject? Variables(ActivatedJob job, out HashSet<string> usedSecrets, out string problem) =>
        VariablesElement(job, out usedSecrets, out problem) is { } element ? JsonObject.Create(element) : null;

    /// <summary>The job's variables as <see cref="Variables"/> reads them, as the parsed element the binder reads without a node tree.</summary>
    private JsonElement? VariablesElement(ActivatedJob job, out HashSet<string> usedSecrets, out string problem)
    {
        usedSecrets = new HashSet<string>(StringComparer.Ordinal);
        problem = "the job's variables are not a JSON object";
        try
        {
            var text = SecretPlaceholders.Replace(job.Variables ?? "", secrets, usedSecrets);
            if (string.IsNullOrWhiteSpace(text))
                return EmptyObject;
            // Not disposed, as the HTTP protocols' request documents: the input read from it may outlive this call's wait.
            var root = JsonDocument.Parse(text, ZeebeVariables).RootElement;
            return root.ValueKind == JsonValueKind.Object ? root : null;
        }
        catch (JsonException)
        {
            // Said as what it is: "not a JSON object" sent the user looking for a shape problem. The parser's own message
            // is not quoted, as it may show a character of the variables.
            if (NestedDeeperThanRead(job.Variables ?? ""))
                problem = $"the job's variables are nested deeper than {Core.Binding.JsonDepth.Max} levels, the most this host reads";
            return null;
        }
    }

    // Only on the failure path: read once more without the depth limit, to tell a too deep document from a broken one.
    private static bool NestedDeeperThanRead(string text)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text), new JsonReaderOptions { MaxDepth = int.MaxValue });
        try
        {
            while (reader.Read())
                if (reader.CurrentDepth >= Core.Binding.JsonDepth.Max)
                    return true;
        }
        catch (JsonException)
        {
            // Broken before it got that deep.
        }
        return false;
    }

    // How long a job refused Busy waits before Zeebe hands it out again.
    private static readonly TimeSpan BusyBackoff = TimeSpan.FromSeconds(1);

    // Zeebe stores variables nested as deep as JsonDepth.Max, where System.Text.Json stops at 64 by default: a deeper
    // variable is data the process holds, and the binder names the field if it is too deep to bind.
    private static readonly JsonDocumentOptions ZeebeVariables = new() { MaxDepth = Core.Binding.JsonDepth.Max };

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;

    /// <summary>Runs a connector's job through the pipeline and reports its outcome.</summary>
    /// <param name="inline">Where the caller runs the plugin code itself once this returns (see <see cref="InlineStart"/>); null hands it to the pool.</param>
    public async Task HandleAsync(ActivatedJob job, CancellationToken stopping, InlineStart? inline = null)
    {
        var (headers, headerProblem) = JobHeaders.Parse(job.CustomHeaders);
        if (headers is null)
        {
            await FailAsync(job, 0, headerProblem!, "InvalidHeaders", TimeSpan.Zero, stopping);
            return;
        }
        if (headers.JobTimeout is { } jobTimeout)
        {
            var extended = time.GetUtcNow() + jobTimeout;
            var update = new UpdateJobTimeoutRequest { JobKey = job.Key, Timeout = (long)jobTimeout.TotalMilliseconds };
            try
            {
                if (!await commands.SendAsync(job, "UpdateJobTimeout", JobDeadline.Of(job),
                        deadline => gateway.UpdateJobTimeoutAsync(update, deadline: deadline, cancellationToken: stopping).ResponseAsync, stopping))
                    return;
            }
            catch (RpcException e) when (e.StatusCode is not (StatusCode.NotFound or StatusCode.Cancelled))
            {
                // Running without the longer timeout could see the job handed out again mid-run and run twice: the user
                // asked for the timeout, so the job stops here with why (gateways before 8.4 answer UNIMPLEMENTED).
                await FailAsync(job, 0, $"the gateway refused UpdateJobTimeout for the jobTimeout header ({GatewayErrorText.Of(e)}); "
                    + "Zeebe 8.4 or later takes it, else remove the header", "JobTimeoutRefused", TimeSpan.Zero, stopping);
                return;
            }
            // The job is ours until then now: its commands may be retried that long, and the connector sees that deadline.
            if (extended > JobDeadline.Of(job))
                job.Deadline = extended.ToUnixTimeMilliseconds();
        }

        var variables = VariablesElement(job, out var usedSecrets, out var variablesProblem);
        if (variables is null)
        {
            await FailAsync(job, 0, variablesProblem, "InvalidVariables", TimeSpan.Zero, stopping);
            return;
        }

        var outcome = await pipeline.InvokeAsync(new Call(job.Type, headers.Operation, null, Protocol.Zeebe)
        {
            InputElement = variables,
            ProcessInstanceId = job.ProcessInstanceKey.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Features =
            [
                new ZeebeJob
                {
                    Key = job.Key, Retries = job.Retries, ProcessInstanceKey = job.ProcessInstanceKey, BpmnProcessId = job.BpmnProcessId,
                    ElementId = job.ElementId, Deadline = JobDeadline.Of(job),
                },
                .. documents is null ? Array.Empty<object>() : [documents(job)],
            ],
            KnownSecrets = usedSecrets,
            RequestId = job.Key.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, stopping, inline);

        // The connector never ran: its concurrency limit was full (calls of any protocol hold its slots). Not charged a
        // retry, and not the connector's outcome for errorExpression to map; handed back after a pause, so that it is
        // activated again once a slot may be free rather than at once.
        if (outcome.Error is { Kind: ErrorKind.Busy } busy)
        {
            await FailAsync(job, job.Retries, busy.Message, busy.Code, BusyBackoff, stopping);
            return;
        }

        // errorExpression may turn any outcome, success included, into a BPMN error, a job error or a completion.
        if (headers.ErrorExpression is { } errorExpression && await ApplyErrorExpressionAsync(job, errorExpression, outcome, stopping))
            return;

        if (outcome.Error is { } error)
        {
            // Input errors cannot succeed on a retry; anything else spends one retry unless the connector chose otherwise.
            var retries = error.Kind is ErrorKind.InvalidInput or ErrorKind.UnknownOperation ? 0 : error.Retries ?? OneRetryLess(job.Retries);
            var backoff = error.RetryBackoff ?? headers.RetryBackoff ?? TimeSpan.Zero;
            await FailAsync(job, retries, error.Message, error.Code, backoff, stopping);
            return;
        }

        var completion = headers.ResultVariable is { } name ? new JsonObject { [name] = outcome.Output?.DeepClone() } : new JsonObject();
        if (headers.ResultExpression is { } resultExpression)
        {
            var mapped = ResultMapping.Apply(resultExpression, outcome.Output);
            if (mapped.Variables is null)
            {
                await FailAsync(job, 0, mapped.Error!, "InvalidResultExpression", TimeSpan.Zero, stopping);
                return;
            }
            foreach (var (key, value) in mapped.Variables)
                completion[key] = value?.DeepClone();
        }
        await CompleteAsync(job, completion, stopping);
    }

    private async Task<bool> ApplyErrorExpressionAsync(ActivatedJob job, string expression, Outcome outcome, CancellationToken stopping)
    {
        var failure = outcome.Error is { } error ? new FeelFailure(error.Code, error.Message, error.Data) : null;
        switch (ErrorMapping.Decide(expression, outcome.Output, failure, job.Retries))
        {
            case ErrorDecision.BpmnError bpmn when bpmn.Code.Length > MaxErrorMessage:
                // An error code is a name catch events match; one past the gateway's message limit came back
                // RESOURCE_EXHAUSTED, was retried until the job's deadline, and the job ran again.
                await FailAsync(job, 0, $"the BPMN error code errorExpression gave is {bpmn.Code.Length} characters; at most {MaxErrorMessage}",
                    "InvalidErrorExpression", TimeSpan.Zero, stopping);
                return true;
            case ErrorDecision.BpmnError bpmn:
                var thrown = new ThrowErrorRequest
                {
                    JobKey = job.Key, ErrorCode = bpmn.Code, ErrorMessage = Cut(bpmn.Message), Variables = bpmn.Variables.ToJsonString(),
                };
                if (thrown.Variables.Length > MaxVariablesBytes)
                {
                    await FailAsync(job, 0, $"the variables of BPMN error {bpmn.Code} are {thrown.Variables.Length} bytes; Zeebe takes at most {MaxVariablesBytes}",
                        "ErrorVariablesTooLarge", TimeSpan.Zero, stopping);
                    return true;
                }
                try
                {
                    if (!await commands.SendAsync(job, "ThrowError", JobDeadline.Of(job), deadline => gateway.ThrowErrorAsync(thrown,
                            GzipRequests.For(thrown.Variables.Length + thrown.ErrorMessage.Length), deadline, stopping).ResponseAsync, stopping))
                        return true;
                }
                catch (RpcException e) when (GatewayErrorText.IsMessageTooLarge(e))
                {
                    await FailAsync(job, 0, $"the variables of BPMN error {bpmn.Code} are {thrown.Variables.Length} bytes, more than the gateway takes ({GatewayErrorText.Of(e)})",
                        "ErrorVariablesTooLarge", TimeSpan.Zero, stopping);
                    return true;
                }
                Reported(job, "error_thrown");
                logger.LogInformation("Job {JobKey} of {Connector} (process instance {ProcessInstance}) via {Protocol} threw BPMN error {ErrorCode}",
                    job.Key, job.Type, job.ProcessInstanceKey, Protocol.Zeebe, bpmn.Code);
                return true;
            case ErrorDecision.JobError fail:
                await FailAsync(job, fail.Retries, fail.Message, "JobError", fail.RetryBackoff, stopping, fail.Variables);
                return true;
            case ErrorDecision.Ignore ignore:
                await CompleteAsync(job, ignore.Variables, stopping);
                return true;
            case ErrorDecision.Invalid invalid:
                await FailAsync(job, 0, invalid.Message, "InvalidErrorExpression", TimeSpan.Zero, stopping);
                return true;
            default:
                return false;
        }
    }

    private async Task CompleteAsync(ActivatedJob job, JsonObject completion, CancellationToken stopping)
    {
        var text = completion.ToJsonString();
        if (text.Length > MaxVariablesBytes)
        {
            await FailAsync(job, 0, $"the result is {text.Length} bytes; Zeebe takes at most {MaxVariablesBytes}", "ResultTooLarge", TimeSpan.Zero, stopping);
            return;
        }
        var complete = new CompleteJobRequest { JobKey = job.Key, Variables = text };
        try
        {
            if (!await commands.SendAsync(job, "CompleteJob", JobDeadline.Of(job),
                    deadline => gateway.CompleteJobAsync(complete, GzipRequests.For(text.Length), deadline, stopping).ResponseAsync, stopping))
                return;
        }
        catch (RpcException e) when (GatewayErrorText.IsMessageTooLarge(e))
        {
            // A cluster whose message limit is below ours: given up at the deadline, the job ran again and again.
            await FailAsync(job, 0, $"the result is {text.Length} bytes, more than the gateway takes ({GatewayErrorText.Of(e)})", "ResultTooLarge",
                TimeSpan.Zero, stopping);
            return;
        }
        Reported(job, "completed");
        // A success is debug, as CSP and Spiff log theirs: at the default level a busy worker would write a line per job.
        // Checked first: the call would otherwise box its arguments into an array for every job, logged or not.
        if (logger.IsEnabled(LogLevel.Debug))
            logger.LogDebug("Job {JobKey} of {Connector} (process instance {ProcessInstance}) via {Protocol} completed",
                job.Key, job.Type, job.ProcessInstanceKey, Protocol.Zeebe);
    }

    private static void Reported(ActivatedJob job, string outcome) =>
        Telemetry.SwitchboardTelemetry.ZeebeJobs.Add(1, new KeyValuePair<string, object?>("connector", job.Type), new KeyValuePair<string, object?>("outcome", outcome));

    private static string Cut(string message) => message.Length > MaxErrorMessage ? message[..MaxErrorMessage] : message;

    private async Task FailAsync(ActivatedJob job, int retries, string message, string code, TimeSpan backoff, CancellationToken stopping,
        JsonObject? extraVariables = null)
    {
        var cut = Cut(message);
        var variables = extraVariables?.DeepClone().AsObject() ?? new JsonObject();
        variables["error"] = new JsonObject { ["type"] = "ConnectorError", ["code"] = code, ["message"] = cut };
        var text = variables.ToJsonString();
        // The gateway refuses a command this large as RESOURCE_EXHAUSTED, which reads as backpressure and is retried to no
        // end: the job fails for good instead, with the error alone (small: its message is cut).
        if (extraVariables is not null && text.Length > MaxVariablesBytes)
        {
            await FailAsync(job, 0, $"the variables of job error '{cut}' are {text.Length} bytes; Zeebe takes at most {MaxVariablesBytes}",
                "ErrorVariablesTooLarge", TimeSpan.Zero, stopping);
            return;
        }
        var failed = new FailJobRequest
        {
            JobKey = job.Key,
            Retries = retries,
            ErrorMessage = cut,
            RetryBackOff = (long)backoff.TotalMilliseconds,
            Variables = text,
        };
        try
        {
            if (!await commands.SendAsync(job, "FailJob", JobDeadline.Of(job),
                    deadline => gateway.FailJobAsync(failed, GzipRequests.For(failed.Variables.Length + cut.Length), deadline, stopping).ResponseAsync, stopping))
                return;
        }
        catch (RpcException e) when (extraVariables is not null && GatewayErrorText.IsMessageTooLarge(e))
        {
            // Without the job error's own variables the command is small (its message is cut).
            await FailAsync(job, 0, $"the variables of job error '{cut}' are {text.Length} bytes, more than the gateway takes ({GatewayErrorText.Of(e)})",
                "ErrorVariablesTooLarge", TimeSpan.Zero, stopping);
            return;
        }
        Reported(job, "failed");
        logger.LogWarning("Job {JobKey} of {Connector} (process instance {ProcessInstance}) via {Protocol} failed with {ErrorCode}, {Retries} retries left: {ErrorMessage}",
            job.Key, job.Type, job.ProcessInstanceKey, Protocol.Zeebe, code, retries, cut);
    }

    // The retries a failed job is given back with. A gateway's number is taken as it comes, so it may be any int:
    // int.MinValue - 1 in unchecked arithmetic is int.MaxValue, which gave such a job two billion retries.
    private static int OneRetryLess(int retries) => retries > 0 ? retries - 1 : 0;
}
