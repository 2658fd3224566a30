using System.Collections.Concurrent;
using System.Text.Json;

namespace Switchboard.SocketIO;

/// <summary>
/// A family of namespaces created on demand: a client asking for a namespace that does not exist
/// gets a child of the first parent whose rule matches its name. The parent's middleware and
/// connection handlers apply to every child. From <see cref="SocketIOServer.Of(System.Text.RegularExpressions.Regex)"/>;
/// same as Node's <c>ParentNamespace</c> (<c>io.of(/regex/)</c>).
/// </summary>
public sealed class ParentNamespace
{
    private readonly Func<string, JsonElement, bool> _matches;
    private readonly ConcurrentDictionary<string, Namespace> _children = new(StringComparer.Ordinal);

    internal ParentNamespace(Func<string, JsonElement, bool> matches) => _matches = matches;

    /// <summary>The children created so far, still alive.</summary>
    public ICollection<Namespace> Children => _children.Values;

    internal ConnectionPipeline Pipeline { get; } = new();

    /// <summary>Registers a handler for sockets joining any child. Same as Node's <c>parentNamespace.on("connection")</c>.</summary>
    public ParentNamespace OnConnection(Action<Socket> handler)
    {
        Pipeline.AddHandler(handler);
        return this;
    }

    /// <summary>Registers an asynchronous handler for sockets joining any child.</summary>
    public ParentNamespace OnConnection(Func<Socket, Task> handler)
    {
        Pipeline.AddHandler(handler);
        return this;
    }

    /// <summary>Adds middleware run for connections to any child (see <see cref="Namespace.Use"/>). Same as Node's <c>parentNamespace.use</c>.</summary>
    public ParentNamespace Use(Func<Socket, Task> middleware)
    {
        Pipeline.AddMiddleware(middleware);
        return this;
    }

    /// <summary>Sends an event to every socket of every child. Same as Node's <c>parentNamespace.emit</c>.</summary>
    public Task EmitAsync(string eventName, params object?[] args) =>
        Task.WhenAll(_children.Values.Select(child => child.EmitAsync(eventName, args)));

    internal bool Matches(string name, JsonElement auth) => _matches(name, auth);

    internal void AddChild(Namespace child) => _children[child.Name] = child;

    internal void RemoveChild(Namespace child) => _children.TryRemove(new KeyValuePair<string, Namespace>(child.Name, child));
}
