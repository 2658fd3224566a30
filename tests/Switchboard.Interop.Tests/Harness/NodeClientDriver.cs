using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Switchboard.Interop.Tests.Harness;

/// <summary>
/// Drives the real npm <c>socket.io-client</c> from a test. It starts
/// <c>node tests/interop/client-driver.mjs</c>, which holds any number of named clients,
/// sends it one JSON command per line and reads back one JSON event per line. Other driver
/// scripts speaking the same protocol (<c>ws-driver.mjs</c>, see <see cref="WsClientDriver"/>)
/// run on the same machinery.
/// </summary>
/// <remarks>
/// <para>Events are buffered as they arrive, so a wait finds an event that came before the
/// wait began; each event is consumed by the first wait that matches it. Every wait has a
/// timeout (<see cref="DefaultTimeout"/> unless given) and its <see cref="TimeoutException"/>
/// lists the last commands and events and the driver's stderr.</para>
/// <para>Commands other than plain waits are confirmed by the driver, so when one of these
/// methods returns, the driver has carried the command out (for example, an ack reply set with
/// <see cref="SetAckReplyAsync"/> applies to every server event that arrives afterwards), and a
/// rejected command (unknown client, bad arguments) throws <see cref="InvalidOperationException"/>.</para>
/// <para>Binary values are written as <see cref="Binary"/> markers and read with
/// <see cref="ReadBinary"/>; the driver turns them into Buffers and back, at any depth.
/// Arguments are serialized with System.Text.Json as given (no naming policy), so write
/// option objects with the names Node expects: <c>new { transports = new[] { "websocket" } }</c>.</para>
/// </remarks>
public sealed class NodeClientDriver : IAsyncDisposable
{
    /// <summary>How long a wait lasts unless told otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(3);
    private const int TranscriptLimit = 40;
    private const int TranscriptLineLimit = 600;
    private const int StderrLimit = 8_000;

    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<JsonElement> _unconsumed = [];
    private readonly List<Waiter> _waiters = [];
    private readonly Queue<string> _transcript = new();
    private readonly StringBuilder _stderr = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;
    private string? _exitReason;
    private int _seq;
    private int _disposed;

    private NodeClientDriver(Process process)
    {
        _process = process;
        _stdoutPump = Task.Run(PumpStdoutAsync);
        _stderrPump = Task.Run(PumpStderrAsync);
    }

    /// <summary>Process id of the node driver (for checking that nothing outlives a test).</summary>
    public int ProcessId => _process.Id;

    /// <summary>What the driver has written to stderr so far (the tail, if long).</summary>
    public string StandardError
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>
    /// Starts the driver from the repository's <c>tests/interop</c> folder and waits for its
    /// <c>ready</c> event, installing the npm packages first if they are missing.
    /// </summary>
    public static Task<NodeClientDriver> StartAsync() => StartAsync("client-driver.mjs", "socket.io-client");

    /// <summary>
    /// Starts another driver script of <c>tests/interop</c> that speaks the same protocol (for
    /// example <c>ws-driver.mjs</c>), checking that the npm <paramref name="package"/> it drives is installed.
    /// </summary>
    internal static async Task<NodeClientDriver> StartAsync(string script, string package)
    {
        var folder = FindInteropFolder();
        await NpmInstall.EnsureAsync(folder).ConfigureAwait(false);
        if (!File.Exists(Path.Combine(folder, "node_modules", package, "package.json")))
        {
            throw new InvalidOperationException(
                $"{Path.Combine(folder, "node_modules")} has no {package}: run npm ci in tests/interop " +
                $"(cd {folder} && npm ci --no-audit --no-fund).");
        }

        var process = NodeProcess.Start(folder, script);
        process.StandardInput.AutoFlush = false;
        process.StandardInput.NewLine = "\n";
        var driver = new NodeClientDriver(process);
        try
        {
            _ = await driver.TakeAsync(e => Type(e) == "ready", DefaultTimeout, "the driver's ready event").ConfigureAwait(false);
            return driver;
        }
        catch
        {
            await driver.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Creates client <paramref name="client"/> with Node's <c>io(url, options)</c> (plus
    /// <c>forceNew: true</c>). Returns once the client exists; it does not wait for the
    /// connection: wait for the <c>connect</c> or <c>connect_error</c> event for that.
    /// Reusing a name disconnects the old client first.
    /// </summary>
    public Task ConnectAsync(string client, string url, object? options = null) =>
        RequestAsync(client, "connect", "done", new() { ["url"] = url, ["options"] = options });

    /// <summary>
    /// Waits for the next event of <paramref name="type"/> (<c>connect</c>, <c>connect_error</c>,
    /// <c>disconnect</c>, <c>event</c>, <c>upgrade</c>, <c>paused</c>, <c>reconnect_attempt</c>, <c>reconnect</c>,
    /// <c>reconnect_failed</c>, <c>error</c>) for <paramref name="client"/> that satisfies
    /// <paramref name="match"/>, and consumes it. A null client means driver-level events that
    /// name no client (for example the error for a line that is not JSON).
    /// </summary>
    public async Task<JsonElement> WaitForAsync(string? client, string type, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        var what = $"a '{type}' event for {Describe(client)}{(match is null ? "" : " matching the predicate")}";
        return await TakeAsync(e => Type(e) == type && IsFor(e, client) && (match is null || match(e)), timeout ?? DefaultTimeout, what)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// True if no <paramref name="type"/> event for <paramref name="client"/> (satisfying
    /// <paramref name="match"/>) is waiting or arrives within <paramref name="within"/>.
    /// Use it for "the sender does not get its own broadcast". One that had arrived before the
    /// call counts too, so consume earlier events first.
    /// </summary>
    public async Task<bool> NoEventAsync(string? client, string type, TimeSpan within, Func<JsonElement, bool>? match = null)
    {
        var found = await TryTakeAsync(e => Type(e) == type && IsFor(e, client) && (match is null || match(e)), within).ConfigureAwait(false);
        return found is null;
    }

    /// <summary>Waits for the next server event <paramref name="client"/> received, whatever its name, and returns the name.</summary>
    public async Task<string> NextEventNameAsync(string client, TimeSpan? timeout = null) =>
        (await WaitForAsync(client, "event", timeout: timeout).ConfigureAwait(false)).GetProperty("event").GetString()!;

    /// <summary>
    /// The names of the server events <paramref name="client"/> receives, in order, up to and including
    /// <paramref name="last"/>. Send <paramref name="last"/> to everyone after the events under test:
    /// an event a client should not get, or gets twice, shows up before it without any waiting.
    /// </summary>
    public async Task<List<string>> EventNamesUntilAsync(string client, string last)
    {
        var names = new List<string>();
        while (names.LastOrDefault() != last)
        {
            names.Add(await NextEventNameAsync(client).ConfigureAwait(false));
        }

        return names;
    }

    /// <summary>Same as Node's <c>socket.emit(ev, ...args, ack)</c>; returns the ack's arguments as a JSON array.</summary>
    public async Task<JsonElement> EmitWithAckAsync(string client, string ev, params object?[] args)
    {
        var reply = await RequestAsync(client, "emit", "ack", new() { ["event"] = ev, ["args"] = Args(args), ["ack"] = true })
            .ConfigureAwait(false);
        return reply.GetProperty("args");
    }

    /// <summary>
    /// Same as Node's <c>socket.timeout(ms).emit(ev, ...args, (err, ...reply) => ...)</c>. Returns the
    /// whole ack event: it has <c>"args"</c> when acknowledged, or <c>"error"</c> (Node's message,
    /// <c>"operation has timed out"</c>) when the server did not ack in time.
    /// </summary>
    public Task<JsonElement> EmitWithAckTimeoutAsync(string client, string ev, TimeSpan ackTimeout, params object?[] args) =>
        RequestAsync(
            client,
            "emit",
            "ack",
            new() { ["event"] = ev, ["args"] = Args(args), ["ack"] = true, ["timeoutMs"] = (long)ackTimeout.TotalMilliseconds },
            ackTimeout + DefaultTimeout);

    /// <summary>Same as Node's <c>socket.emit(ev, ...args)</c>; returns once the client has been handed the event.</summary>
    public Task EmitAsync(string client, string ev, params object?[] args) =>
        RequestAsync(client, "emit", "done", new() { ["event"] = ev, ["args"] = Args(args), ["ack"] = false });

    /// <summary>
    /// From now on, when the server emits <paramref name="ev"/> to <paramref name="client"/> with an
    /// ack callback, the client acks with <paramref name="args"/>. Until set, the client echoes the
    /// event's own arguments.
    /// </summary>
    public Task SetAckReplyAsync(string client, string ev, params object?[] args) =>
        RequestAsync(client, "ackReply", "done", new() { ["event"] = ev, ["args"] = Args(args) });

    /// <summary>From now on, the client never acks <paramref name="ev"/> (for server-side ack timeouts).</summary>
    public Task SetNoAckReplyAsync(string client, string ev) =>
        RequestAsync(client, "ackReply", "done", new() { ["event"] = ev, ["noReply"] = true });

    /// <summary>Same as Node's <c>socket.disconnect()</c>: sends a Socket.IO DISCONNECT, no reconnection.</summary>
    public Task DisconnectAsync(string client) => RequestAsync(client, "disconnect", "done", []);

    /// <summary>
    /// The client's current Engine.IO connection stops answering the server's pings, so the
    /// server should close it with "ping timeout". A reconnection gets a new connection that
    /// answers pings again.
    /// </summary>
    public Task StopPongAsync(string client) => RequestAsync(client, "stopPong", "done", []);

    /// <summary>Same as Node's <c>socket.io.engine.close()</c>: drops the transport without a Socket.IO DISCONNECT.</summary>
    public Task CloseTransportAsync(string client) => RequestAsync(client, "close", "done", []);

    /// <summary>
    /// Returns <c>{"connected":bool,"id":string|null,"transport":"polling"|"websocket"|null,"engineId":string|null,
    /// "extensions":string|null,"cookies":{name:value},"fetchEncodings":[string|null]}</c> for the client: the
    /// WebSocket's negotiated extensions, the cookie jar it keeps with <c>withCredentials</c>, and the
    /// Content-Encoding of each poll answer of its fetch() transport (see tests/interop/client-driver.mjs).
    /// </summary>
    public Task<JsonElement> StateAsync(string client) => RequestAsync(client, "state", "state", []);

    /// <summary>
    /// The client's polling transport lets its pending GET complete and sends no new one, as before
    /// an upgrade. Returns once the pause is under way; the GET completes with whatever the server
    /// sends next, and then the client's <c>paused</c> event comes: from then on the server has no
    /// GET waiting. For the server's volatile flag; the client must be on polling, and must not emit
    /// while paused.
    /// </summary>
    public Task PausePollingAsync(string client) => RequestAsync(client, "pausePolling", "done", []);

    /// <summary>A transport paused by <see cref="PausePollingAsync"/> polls again.</summary>
    public Task ResumePollingAsync(string client) => RequestAsync(client, "resumePolling", "done", []);

    /// <summary>Writes one raw line to the driver, unchecked. Only for testing the driver itself.</summary>
    public Task SendRawAsync(string line) => WriteLineAsync(line);

    /// <summary>The <c>{"$binary":"&lt;base64&gt;"}</c> marker that the driver turns into a Buffer.</summary>
    public static object Binary(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return new Dictionary<string, string> { ["$binary"] = Convert.ToBase64String(bytes) };
    }

    /// <summary>True if <paramref name="e"/> is a <c>{"$binary"}</c> marker.</summary>
    public static bool IsBinary(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("$binary", out var b) && b.ValueKind == JsonValueKind.String;

    /// <summary>The bytes of a <c>{"$binary"}</c> marker that the driver wrote for a Buffer or ArrayBuffer.</summary>
    public static byte[] ReadBinary(JsonElement e) =>
        IsBinary(e)
            ? Convert.FromBase64String(e.GetProperty("$binary").GetString()!)
            : throw new ArgumentException($"Not a {{\"$binary\"}} marker: {e.GetRawText()}", nameof(e));

    /// <summary>Asks the driver to disconnect all clients and exit; kills its process tree after 3 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                try
                {
                    await WriteLineAsync("{\"op\":\"exit\"}").WaitAsync(ExitGrace).ConfigureAwait(false);
                    _process.StandardInput.Close();
                }
                catch (Exception e) when (e is IOException or InvalidOperationException or TimeoutException or ObjectDisposedException)
                {
                    // The process is going away or stuck; the kill below handles both.
                }

                using var grace = new CancellationTokenSource(ExitGrace);
                try
                {
                    await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
        finally
        {
            if (!_process.HasExited)
            {
                try
                {
                    _process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // Exited in between.
                }

                using var killWait = new CancellationTokenSource(ExitGrace);
                try
                {
                    await _process.WaitForExitAsync(killWait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }

            try
            {
                await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(ExitGrace).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }

            _process.Dispose();
            _writeLock.Dispose();
        }
    }

    private static object?[] Args(object?[]? args) =>
        // C# binds a lone `null` argument to the params array itself; the caller meant one null.
        args ?? [null];

    /// <summary>
    /// Sends command <paramref name="op"/> for <paramref name="client"/> with <paramref name="fields"/>
    /// and returns the driver's <paramref name="replyType"/> reply; an error reply throws. For the
    /// wrappers of other driver scripts.
    /// </summary>
    internal Task<JsonElement> CommandAsync(string client, string op, string replyType, Dictionary<string, object?> fields, TimeSpan? timeout = null) =>
        RequestAsync(client, op, replyType, fields, timeout);

    private async Task<JsonElement> RequestAsync(string client, string op, string replyType, Dictionary<string, object?> fields, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(client);
        var seq = Interlocked.Increment(ref _seq);
        fields["op"] = op;
        fields["client"] = client;
        fields["seq"] = seq;
        await WriteLineAsync(JsonSerializer.Serialize(fields)).ConfigureAwait(false);

        var reply = await TakeAsync(
                e => IsFor(e, client) && HasSeq(e, seq) && (Type(e) == replyType || Type(e) == "error"),
                timeout ?? DefaultTimeout,
                $"the '{replyType}' reply to {op} (seq {seq}) for {Describe(client)}")
            .ConfigureAwait(false);
        if (Type(reply) == "error")
        {
            var message = reply.TryGetProperty("message", out var m) ? m.GetString() : reply.GetRawText();
            throw new InvalidOperationException(Diagnose($"The driver rejected {op} for {Describe(client)}: {message}"));
        }

        return reply;
    }

    private async Task WriteLineAsync(string line)
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                Record("-> " + line);
            }

            await _process.StandardInput.WriteAsync(line + "\n").ConfigureAwait(false);
            await _process.StandardInput.FlushAsync().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException(Diagnose($"Could not write to the driver: {e.Message}"), e);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<JsonElement> TakeAsync(Func<JsonElement, bool> predicate, TimeSpan timeout, string what) =>
        await TryTakeAsync(predicate, timeout).ConfigureAwait(false)
        ?? throw new TimeoutException(Diagnose($"Timed out after {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s waiting for {what}."));

    private async Task<JsonElement?> TryTakeAsync(Func<JsonElement, bool> predicate, TimeSpan timeout)
    {
        var waiter = new Waiter(predicate);
        lock (_gate)
        {
            for (var i = 0; i < _unconsumed.Count; i++)
            {
                if (waiter.Matches(_unconsumed[i]))
                {
                    var found = _unconsumed[i];
                    _unconsumed.RemoveAt(i);
                    return found;
                }
            }

            if (_exitReason is not null)
            {
                throw new InvalidOperationException(DiagnoseLocked($"The driver has stopped ({_exitReason})."));
            }

            _waiters.Add(waiter);
        }

        try
        {
            return await waiter.Result.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }

            // An event may have been handed over between the timeout and the lock; keep it.
            return waiter.Result.Task.IsCompleted ? await waiter.Result.Task.ConfigureAwait(false) : null;
        }
    }

    private async Task PumpStdoutAsync()
    {
        string reason;
        try
        {
            while (await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                JsonElement e;
                try
                {
                    using var document = JsonDocument.Parse(line);
                    e = document.RootElement.Clone();
                }
                catch (JsonException)
                {
                    lock (_gate)
                    {
                        Record("<- (not JSON) " + line);
                    }

                    continue;
                }

                Deliver(e, line);
            }

            reason = "its stdout closed";
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            reason = "reading its stdout failed: " + ex.Message;
        }

        lock (_gate)
        {
            try
            {
                if (_process.HasExited)
                {
                    reason += $", exit code {_process.ExitCode}";
                }
            }
            catch (InvalidOperationException)
            {
            }

            _exitReason = reason;
            var error = new InvalidOperationException(DiagnoseLocked($"The driver has stopped ({reason})."));
            foreach (var waiter in _waiters)
            {
                waiter.Result.TrySetException(error);
            }

            _waiters.Clear();
        }
    }

    private async Task PumpStderrAsync()
    {
        try
        {
            while (await _process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                lock (_gate)
                {
                    _stderr.Append(line).Append('\n');
                    if (_stderr.Length > StderrLimit * 2)
                    {
                        _stderr.Remove(0, _stderr.Length - StderrLimit);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    private void Deliver(JsonElement e, string line)
    {
        lock (_gate)
        {
            Record("<- " + line);
            for (var i = 0; i < _waiters.Count; i++)
            {
                if (_waiters[i].Matches(e))
                {
                    var waiter = _waiters[i];
                    _waiters.RemoveAt(i);
                    waiter.Result.TrySetResult(e);
                    return;
                }
            }

            _unconsumed.Add(e);
        }
    }

    private void Record(string line)
    {
        _transcript.Enqueue(line.Length > TranscriptLineLimit ? line[..TranscriptLineLimit] + "…" : line);
        while (_transcript.Count > TranscriptLimit)
        {
            _transcript.Dequeue();
        }
    }

    private string Diagnose(string message)
    {
        lock (_gate)
        {
            return DiagnoseLocked(message);
        }
    }

    private string DiagnoseLocked(string message)
    {
        var text = new StringBuilder(message);
        text.Append(CultureInfo.InvariantCulture, $"\nLast {_transcript.Count} lines exchanged with the driver (-> command, <- event), oldest first:\n");
        foreach (var line in _transcript)
        {
            text.Append("  ").Append(line).Append('\n');
        }

        text.Append(CultureInfo.InvariantCulture, $"Unconsumed events: {_unconsumed.Count}.\n");
        var stderr = _stderr.ToString();
        if (stderr.Length > StderrLimit)
        {
            stderr = "…" + stderr[^StderrLimit..];
        }

        text.Append("Driver stderr:").Append(stderr.Length == 0 ? " (empty)\n" : "\n" + stderr);
        return text.ToString();
    }

    private static string FindInteropFolder() => RepositoryFolder.Find("tests/interop", "package.json");

    private static string? Type(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;

    private static bool IsFor(JsonElement e, string? client)
    {
        var named = e.TryGetProperty("client", out var c) && c.ValueKind == JsonValueKind.String;
        return client is null ? !named : named && c.GetString() == client;
    }

    private static bool HasSeq(JsonElement e, int seq) =>
        e.TryGetProperty("seq", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out var n) && n == seq;

    private static string Describe(string? client) => client is null ? "the driver itself" : $"client '{client}'";

    private sealed class Waiter(Func<JsonElement, bool> predicate)
    {
        public TaskCompletionSource<JsonElement> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Matches(JsonElement e)
        {
            try
            {
                return predicate(e);
            }
            catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException or FormatException or ArgumentException)
            {
                // A match written for another event shape (GetProperty on a missing key) is a non-match.
                return false;
            }
        }
    }
}
