using Switchboard.Core.Metadata;

namespace Switchboard.Core.Invoking;

/// <summary>The operation a call picked and its input, bound and validated, with the secrets to mask in everything it produces.</summary>
internal sealed record BoundCall(OperationMetadata Operation, OperationInvoker Invoker, object Input, SecretMasker Masker);
