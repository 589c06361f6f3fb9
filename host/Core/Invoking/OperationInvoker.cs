using System.Reflection;
using Switchboard.Abstractions;
using Switchboard.Core.Binding;

namespace Switchboard.Core.Invoking;

/// <summary>Calls one operation method of a loaded connector, whatever its sync or async shape.</summary>
internal sealed class OperationInvoker
{
    private readonly object _connector;
    // Invoked through a MethodInvoker: no argument array per call, and what the connector throws arrives unwrapped.
    private readonly MethodInvoker _method;
    private readonly bool _takesContext;
    private readonly PropertyInfo? _taskResult;

    public OperationInvoker(object connector, MethodInfo method, ObjectModel input)
    {
        _connector = connector;
        _method = MethodInvoker.Create(method);
        Input = input;
        _takesContext = method.GetParameters().Length == 2;
        var returnType = method.ReturnType;
        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
            _taskResult = typeof(Task<>).MakeGenericType(returnType.GetGenericArguments()[0]).GetProperty(nameof(Task<int>.Result));
        else if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
            _taskResult = returnType.GetProperty(nameof(Task<int>.Result));
    }

    /// <summary>The operation's input shape.</summary>
    public ObjectModel Input { get; }

    /// <summary>Runs the operation and returns its output (null for none); exceptions are the connector's own.</summary>
    /// <remarks>A value task: a synchronous operation's result costs no task.</remarks>
    public async ValueTask<object?> InvokeAsync(object input, IConnectorContext context)
    {
        var returned = _takesContext ? _method.Invoke(_connector, input, context) : _method.Invoke(_connector, input);

        switch (returned)
        {
            case Task task:
                await task.ConfigureAwait(false);
                return _taskResult?.GetValue(task);
            case ValueTask valueTask:
                await valueTask.ConfigureAwait(false);
                return null;
            case not null when _taskResult is not null:
                // ValueTask<T>: boxed struct; AsTask gives a Task<T> whose Result we can read.
                var asTask = (Task)returned.GetType().GetMethod(nameof(ValueTask<int>.AsTask))!.Invoke(returned, null)!;
                await asTask.ConfigureAwait(false);
                return _taskResult.GetValue(asTask);
            default:
                return returned;
        }
    }

    /// <summary>The output type after unwrapping tasks; null when the operation returns nothing or a <see cref="ConnectorResponse"/> of any shape.</summary>
    public static Type? OutputTypeOf(MethodInfo method)
    {
        var type = method.ReturnType;
        if (type == typeof(void) || type == typeof(Task) || type == typeof(ValueTask) || type == typeof(ConnectorResponse)
            || type == typeof(Task<ConnectorResponse>) || type == typeof(ValueTask<ConnectorResponse>))
            return null;
        if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>)))
            return type.GetGenericArguments()[0];
        return type;
    }
}
