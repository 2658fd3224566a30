using System.Reflection;
using System.Runtime.CompilerServices;

namespace Switchboard.SocketIO;

/// <summary>
/// Calls a user's event handler delegate: binds its parameters from the event's arguments once,
/// at registration, and turns its return value into the acknowledgement when the client asked
/// for one, the way minimal APIs bind route handlers.
/// </summary>
internal sealed class EventHandlerInvoker
{
    private enum Source
    {
        Argument,
        Acknowledgement,
        Arguments,
        Socket,
    }

    private readonly object? _target;
    private readonly MethodInvoker _method;
    private readonly (Source Source, Type Type, int Index)[] _parameters;
    private readonly Func<object, Task<object?>>? _awaitResult;
    private readonly bool _returnsValue;
    private readonly bool _takesAcknowledgement;

    public EventHandlerInvoker(Delegate handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _target = handler.Target;
        _method = MethodInvoker.Create(handler.Method);
        var parameters = handler.Method.GetParameters();
        _parameters = new (Source, Type, int)[parameters.Length];
        var argumentIndex = 0;
        for (var i = 0; i < parameters.Length; i++)
        {
            var type = parameters[i].ParameterType;
            var source = type == typeof(Acknowledgement) ? Source.Acknowledgement
                : type == typeof(EventArguments) ? Source.Arguments
                : type == typeof(Socket) ? Source.Socket
                : Source.Argument;
            _parameters[i] = (source, type, source == Source.Argument ? argumentIndex++ : -1);
            _takesAcknowledgement |= source == Source.Acknowledgement;
        }

        var returnType = handler.Method.ReturnType;
        if (returnType == typeof(void) || returnType == typeof(Task) || returnType == typeof(ValueTask))
        {
            _returnsValue = false;
        }
        else if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            _returnsValue = true;
            _awaitResult = Bind(nameof(AwaitTask), returnType.GetGenericArguments()[0]);
        }
        else if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            _returnsValue = true;
            _awaitResult = Bind(nameof(AwaitValueTask), returnType.GetGenericArguments()[0]);
        }
        else
        {
            _returnsValue = true;
        }
    }

    /// <summary>
    /// Invokes the handler. When <paramref name="acknowledgement"/> is given and the handler returns
    /// a value without taking the acknowledgement itself, the value is sent as the acknowledgement.
    /// <paramref name="socket"/> is null for a server-side emit from another server.
    /// </summary>
    public async Task InvokeAsync(Socket? socket, EventArguments arguments, Acknowledgement? acknowledgement)
    {
        var values = new object?[_parameters.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var (source, type, index) = _parameters[i];
            values[i] = source switch
            {
                Source.Argument => arguments.Get(index, type),
                Source.Acknowledgement => acknowledgement ?? new Acknowledgement(reply: null),
                Source.Arguments => arguments,
                _ => socket,
            };
        }

        var result = _method.Invoke(_target, values.AsSpan());
        switch (result)
        {
            case Task task when _awaitResult is null:
                await task.ConfigureAwait(false);
                return;
            case ValueTask valueTask:
                await valueTask.ConfigureAwait(false);
                return;
        }

        if (!_returnsValue)
        {
            return;
        }

        if (_awaitResult is not null && result is not null)
        {
            result = await _awaitResult(result).ConfigureAwait(false);
        }

        if (acknowledgement is not null && !_takesAcknowledgement)
        {
            acknowledgement.Send(result);
        }
    }

    private static Func<object, Task<object?>> Bind(string name, Type resultType) =>
        typeof(EventHandlerInvoker).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(resultType)
            .CreateDelegate<Func<object, Task<object?>>>();

    private static async Task<object?> AwaitTask<T>(object task) => await Unsafe.As<Task<T>>(task).ConfigureAwait(false);

    private static async Task<object?> AwaitValueTask<T>(object task) => await ((ValueTask<T>)task).ConfigureAwait(false);
}
