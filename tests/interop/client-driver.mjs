// Remote-controlled socket.io-client for the interop tests (driven by
// tests/Switchboard.Interop.Tests/Harness/NodeClientDriver.cs).
//
// Protocol, binary markers, seq/done/error replies and exit: driver-protocol.mjs.
//
// Commands:
//   {"op":"connect","client","url","options"}        io(url, {...options, forceNew: true}); the transport
//                                                     name "fetch" in options.transports stands for the
//                                                     Fetch polling transport (fetch() sends Accept-Encoding);
//                                                     options.parser "msgpack": socket.io-msgpack-parser;
//                                                     options.localAddress: the source address of every request
//                                                     (an http.Agent for polling; ws takes it as is), so clients
//                                                     can come from 127.0.0.2, 127.0.0.3, ...
//   {"op":"emit","client","event","args","ack","seq","timeoutMs"}
//                                                     ack:true -> {"type":"ack","client","seq","args"|"error"}
//   {"op":"ackReply","client","event","args"}         answer the server's acks for `event` with args
//   {"op":"ackReply","client","event","noReply":true} never answer them (default: echo the event's args)
//   {"op":"disconnect","client"}                      socket.disconnect()
//   {"op":"stopPong","client"}                        the current engine stops answering pings
//   {"op":"close","client"}                           socket.io.engine.close() (no Socket.IO DISCONNECT)
//   {"op":"state","client","seq"}                     -> {"type":"state","client","seq","connected","id","transport",
//                                                         "engineId","extensions","cookies","fetchEncodings"}
//                                                     extensions: the WebSocket's negotiated extensions ("" for none);
//                                                     cookies: the engine's cookie jar (withCredentials), name -> value;
//                                                     fetchEncodings: Content-Encoding of each fetch() poll response
//                                                     of this engine session (null for none)
//   {"op":"pausePolling","client"}                    the polling transport finishes its pending GET and sends no more;
//                                                     {"type":"paused","client"} follows once no GET is in flight
//   {"op":"resumePolling","client"}                   the paused polling transport polls again
//   {"op":"exit"}                                     disconnect all, exit 0 (also on end of stdin)
//
// The connect event carries "recovered" (socket.recovered: connection state recovery).
//
// Events: ready, connect, connect_error, disconnect, event, upgrade, paused,
// reconnect_attempt, reconnect, reconnect_failed, done, ack, state, error.

import { Agent } from "node:http";
import { io, Fetch, NodeWebSocket, NodeXHR } from "socket.io-client";
import msgpackParser from "socket.io-msgpack-parser";
import { clients, CommandError, fromWire, getClient, log, requireString, runDriver, write } from "./driver-protocol.mjs";

// clients: name -> { socket, ackReplies: Map<event, {args}|{noReply}>, hookedEngines, pongStoppedEngines }

// Content-Encoding of every fetch() response, with the engine session id of its request.
const fetchResponses = [];
const plainFetch = globalThis.fetch;
globalThis.fetch = async (resource, init) => {
    const response = await plainFetch(resource, init);
    const sid = new URL(String(resource)).searchParams.get("sid");
    fetchResponses.push({ sid, encoding: response.headers.get("content-encoding") });
    return response;
};

const transportClasses = { fetch: Fetch, polling: NodeXHR, websocket: NodeWebSocket };

// io() takes transport names or transport classes, not both; a list naming "fetch" becomes classes.
function withTransportClasses(options) {
    if (!Array.isArray(options.transports) || !options.transports.includes("fetch")) return options;
    const transportImplementations = options.transports.map((name) => {
        const implementation = transportClasses[name];
        if (!implementation) throw new CommandError(`unknown transport ${JSON.stringify(name)}`);
        return implementation;
    });
    const { transports, ...rest } = options;
    return { ...rest, transportImplementations };
}

// What a connect_error's transport said: the HTTP status for polling, the error's message for WebSocket.
function errorDescription(description) {
    if (typeof description === "number" || typeof description === "string") return description;
    return description?.message ?? null;
}

function transportName(socket) {
    return socket.io?.engine?.transport?.name ?? null;
}

function hookEngine(name, entry, engine) {
    if (!engine || entry.hookedEngines.has(engine)) return;
    entry.hookedEngines.add(engine);
    engine.on("upgrade", (transport) => {
        if (clients.get(name) === entry) write({ type: "upgrade", client: name, transport: transport?.name ?? null });
    });
    // Tripwire: if stopPong was asked for and a pong is still created, the hook did not take.
    engine.on("packetCreate", (packet) => {
        if (packet?.type === "pong" && entry.pongStoppedEngines.has(engine)) {
            const message = "stopPong hook bypassed: engine still created a pong packet";
            log(`${name}: ${message}`);
            write({ type: "error", client: name, op: "stopPong", message });
        }
    });
}

// The parsers a test can name in the connect options, since a module cannot travel as JSON.
const parsers = { msgpack: msgpackParser };

function withParser(options) {
    if (options.parser === undefined) return options;
    if (!Object.hasOwn(parsers, options.parser)) throw new CommandError(`unknown parser ${JSON.stringify(options.parser)}`);
    return { ...options, parser: parsers[options.parser] };
}

// The polling transport's requests go out through options.agent, which can bind a source address.
function withLocalAddress(options) {
    if (options.localAddress === undefined) return options;
    return { ...options, agent: new Agent({ localAddress: options.localAddress }) };
}

function connect(cmd) {
    const name = requireString(cmd, "client");
    const url = requireString(cmd, "url");
    const options = cmd.options == null ? {} : cmd.options;
    if (typeof options !== "object" || Array.isArray(options)) throw new CommandError(`"options" must be an object`);

    const previous = clients.get(name);
    if (previous) {
        // Reusing a name replaces the old socket; its last events still report under the name.
        previous.socket.disconnect();
        clients.delete(name);
    }

    const entry = { socket: null, ackReplies: new Map(), hookedEngines: new WeakSet(), pongStoppedEngines: new WeakSet() };
    const socket = io(url, { ...withLocalAddress(withParser(withTransportClasses(fromWire(options)))), forceNew: true });
    entry.socket = socket;
    clients.set(name, entry);
    const live = () => clients.get(name) === entry;

    socket.on("connect", () => {
        if (live()) write({ type: "connect", client: name, id: socket.id ?? null, transport: transportName(socket), recovered: socket.recovered === true });
    });
    socket.on("connect_error", (err) => {
        if (live()) {
            write({
                type: "connect_error", client: name, message: err?.message ?? String(err), data: err?.data ?? null,
                description: errorDescription(err?.description),
            });
        }
    });
    socket.on("disconnect", (reason) => {
        if (live()) write({ type: "disconnect", client: name, reason });
    });
    socket.onAny((event, ...args) => {
        if (!live()) return;
        let ack = null;
        if (args.length > 0 && typeof args[args.length - 1] === "function") ack = args.pop();
        write({ type: "event", client: name, event, args, hasAck: ack !== null });
        if (ack) {
            const reply = entry.ackReplies.get(event);
            if (reply?.noReply) return;
            ack(...(reply ? reply.args : args));
        }
    });
    socket.io.on("open", () => hookEngine(name, entry, socket.io.engine));
    socket.io.on("reconnect_attempt", (attempt) => {
        if (live()) write({ type: "reconnect_attempt", client: name, attempt });
    });
    socket.io.on("reconnect", (attempt) => {
        if (live()) write({ type: "reconnect", client: name, attempt });
    });
    socket.io.on("reconnect_failed", () => {
        if (live()) write({ type: "reconnect_failed", client: name });
    });
    hookEngine(name, entry, socket.io.engine);
    return true;
}

function emit(cmd) {
    const name = requireString(cmd, "client");
    const { socket } = getClient(cmd);
    const event = requireString(cmd, "event");
    const args = cmd.args == null ? [] : cmd.args;
    if (!Array.isArray(args)) throw new CommandError(`"args" must be an array`);
    const payload = fromWire(args);
    if (!cmd.ack) {
        socket.emit(event, ...payload);
        return true;
    }
    const seq = cmd.seq ?? null;
    if (cmd.timeoutMs != null) {
        if (typeof cmd.timeoutMs !== "number" || cmd.timeoutMs < 0) throw new CommandError(`"timeoutMs" must be a non-negative number`);
        socket.timeout(cmd.timeoutMs).emit(event, ...payload, (err, ...reply) => {
            if (err) write({ type: "ack", client: name, seq, error: err.message ?? String(err) });
            else write({ type: "ack", client: name, seq, args: reply });
        });
    } else {
        socket.emit(event, ...payload, (...reply) => write({ type: "ack", client: name, seq, args: reply }));
    }
    return false; // the ack event is the reply
}

function ackReply(cmd) {
    const { ackReplies } = getClient(cmd);
    const event = requireString(cmd, "event");
    if (cmd.noReply === true) {
        ackReplies.set(event, { noReply: true });
    } else {
        const args = cmd.args == null ? [] : cmd.args;
        if (!Array.isArray(args)) throw new CommandError(`"args" must be an array`);
        ackReplies.set(event, { args: fromWire(args) });
    }
    return true;
}

// Engine.IO client answers the server's "ping" inside Socket#_onPacket with
// this._sendPacket("pong") (engine.io-client 6.6). Older releases named the method
// sendPacket. The wrapper is installed on the current engine instance only: after
// a reconnection the new engine answers pings again.
function stopPong(cmd) {
    const name = requireString(cmd, "client");
    const entry = getClient(cmd);
    const engine = entry.socket.io?.engine;
    if (!engine) throw new CommandError(`client "${name}" has no engine (never opened?)`);
    const method = ["_sendPacket", "sendPacket"].find((m) => typeof engine[m] === "function");
    if (!method) {
        const message = "stopPong: engine.io-client has neither _sendPacket nor sendPacket; inspect "
            + "node_modules/engine.io-client/build/esm/socket.js and update client-driver.mjs";
        log(`${name}: ${message}`);
        throw new CommandError(message);
    }
    if (!entry.pongStoppedEngines.has(engine)) {
        const original = engine[method];
        engine[method] = function (type, ...rest) {
            if (type === "pong") {
                log(`${name}: dropped a pong`);
                return undefined;
            }
            return original.call(this, type, ...rest);
        };
        entry.pongStoppedEngines.add(engine);
        hookEngine(name, entry, engine);
    }
    return { method };
}

function closeTransport(cmd) {
    const { socket } = getClient(cmd);
    const engine = socket.io?.engine;
    if (!engine) throw new CommandError(`client "${cmd.client}" has no engine`);
    engine.close();
    return true;
}

function state(cmd) {
    const name = requireString(cmd, "client");
    const { socket } = getClient(cmd);
    const engine = socket.io?.engine;
    const engineId = engine?.id ?? null;
    write({
        type: "state", client: name, seq: cmd.seq ?? null, connected: socket.connected, id: socket.id ?? null, transport: transportName(socket),
        engineId,
        extensions: engine?.transport?.ws?.extensions ?? null,
        cookies: engine?._cookieJar ? Object.fromEntries([...engine._cookieJar.cookies].map(([n, c]) => [n, c.value])) : {},
        fetchEncodings: fetchResponses.filter((r) => engineId !== null && r.sid === engineId).map((r) => r.encoding),
    });
    return false;
}

// ---- Polling pause (for the server's volatile flag) --------------------------------------
// Node's server drops a volatile packet when the client's transport is not writable; over
// long-polling that is whenever no GET is waiting. pausePolling uses the transport's own
// pause() (the one engine.io-client runs before an upgrade): the pending GET completes with
// whatever the server sends next and no new GET follows, so the test knows for sure that
// the server has no GET waiting once "paused" arrives. The command is done as soon as the
// pause is under way: the server must then send something to complete the pending GET.

function pollingTransport(cmd) {
    const transport = getClient(cmd).socket.io?.engine?.transport;
    if (transport?.name !== "polling") throw new CommandError(`client "${cmd.client}" is not on polling (${transport?.name ?? "no transport"})`);
    return transport;
}

function pausePolling(cmd) {
    const name = requireString(cmd, "client");
    const transport = pollingTransport(cmd);
    transport.pause(() => write({ type: "paused", client: name }));
    return true;
}

function resumePolling(cmd) {
    const transport = pollingTransport(cmd);
    if (transport.readyState !== "paused") throw new CommandError(`the polling transport is ${transport.readyState}, not paused`);
    transport.readyState = "open";
    transport._poll();
    return true;
}

runDriver({
    handlers: {
        connect,
        emit,
        ackReply,
        disconnect: (cmd) => { getClient(cmd).socket.disconnect(); return true; },
        stopPong,
        close: closeTransport,
        state,
        pausePolling,
        resumePolling,
    },
    closeClient: (entry) => entry.socket.disconnect(),
});
