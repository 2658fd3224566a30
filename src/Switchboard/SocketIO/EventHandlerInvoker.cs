using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Switchboard.SocketIO;

/// <summary>
/// Calls a user's event handler delegate: works out how to bind its parameters from the event's arguments once per method,
/// and turns its return value into the acknowledgement when the client asked
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

    // What a handler needs to be called from event arguments, worked out once per delegate type: its
    // Invoke method has the lambda's parameters and return type. Keyed by type, not by
    // Delegate.Method, which allocates for every new delegate, and every socket registers new ones.
    private static readonly ConcurrentDictionary<Type, Binding> Bindings = new();

    private readonly Delegate _handler;
    private readonly Binding _binding;

    public EventHandlerInvoker(Delegate handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handler = handler;
        _binding = Bindings.GetOrAdd(handler.GetType(), static type => new Binding(type.GetMethod(nameof(Action.Invoke))!));
    }

    /// <summary>
    /// Invokes the handler. When <paramref name="acknowledgement"/> is given and the handler returns
    /// a value without taking the acknowledgement itself, the value is sent as the acknowledgement.
    /// <paramref name="socket"/> is null for a server-side emit from another server.
    /// </summary>
    public async Task InvokeAsync(Socket? socket, EventArguments arguments, Acknowledgement? acknowledgement)
    {
        var binding = _binding;
        var values = new object?[binding.Parameters.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var (source, type, index) = binding.Parameters[i];
            values[i] = source switch
            {
                Source.Argument => arguments.Get(index, type),
                Source.Acknowledgement => acknowledgement ?? new Acknowledgement(reply: null),
                Source.Arguments => arguments,
                _ => socket,
            };
        }

        var result = binding.Method.Invoke(_handler, values.AsSpan());
        switch (result)
        {
            case Task task when binding.AwaitResult is null:
                await task.ConfigureAwait(false);
                return;
            case ValueTask valueTask:
                await valueTask.ConfigureAwait(false);
                return;
        }

        if (!binding.ReturnsValue)
        {
            return;
        }

        if (binding.AwaitResult is not null && result is not null)
        {
            result = await binding.AwaitResult(result).ConfigureAwait(false);
        }

        if (acknowledgement is not null && !binding.TakesAcknowledgement)
        {
            acknowledgement.Send(result);
        }
    }

    private sealed class Binding
    {
        public Binding(MethodInfo method)
        {
            Method = MethodInvoker.Create(method);
            var parameters = method.GetParameters();
            Parameters = new (Source, Type, int)[parameters.Length];
            var argumentIndex = 0;
            for (var i = 0; i < parameters.Length; i++)
            {
                var type = parameters[i].ParameterType;
                var source = type == typeof(Acknowledgement) ? Source.Acknowledgement
                    : type == typeof(EventArguments) ? Source.Arguments
                    : type == typeof(Socket) ? Source.Socket
                    : Source.Argument;
                Parameters[i] = (source, type, source == Source.Argument ? argumentIndex++ : -1);
                TakesAcknowledgement |= source == Source.Acknowledgement;
            }

            var returnType = method.ReturnType;
            if (returnType == typeof(void) || returnType == typeof(Task) || returnType == typeof(ValueTask))
            {
                ReturnsValue = false;
            }
            else if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
            {
                ReturnsValue = true;
                AwaitResult = Bind(nameof(AwaitTask), returnType.GetGenericArguments()[0]);
            }
            else if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
            {
                ReturnsValue = true;
                AwaitResult = Bind(nameof(AwaitValueTask), returnType.GetGenericArguments()[0]);
            }
            else
            {
                ReturnsValue = true;
            }
        }

        public MethodInvoker Method { get; }

        public (Source Source, Type Type, int Index)[] Parameters { get; }

        public Func<object, Task<object?>>? AwaitResult { get; }

        public bool ReturnsValue { get; }

        public bool TakesAcknowledgement { get; }
    }

    private static Func<object, Task<object?>> Bind(string name, Type resultType) =>
        typeof(EventHandlerInvoker).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(resultType)
            .CreateDelegate<Func<object, Task<object?>>>();

    private static async Task<object?> AwaitTask<T>(object task) => await Unsafe.As<Task<T>>(task).ConfigureAwait(false);

    private static async Task<object?> AwaitValueTask<T>(object task) => await ((ValueTask<T>)task).ConfigureAwait(false);
}
