// Remote-controlled socket.io-client for the interop tests (driven by
// tests/Switchboard.Interop.Tests/Harness/NodeClientDriver.cs).
//
// Protocol: newline-delimited JSON commands on stdin, newline-delimited JSON
// events on stdout. Nothing else is ever written to stdout; diagnostics go to
// stderr. Binary values travel as {"$binary":"<base64>"} in both directions.
//
// Commands (every command may carry "seq"; a command without a reply of its
// own then answers {"type":"done","client","seq","op"} once it has been carried
// out, and any failure answers {"type":"error","client","seq","op","message"}):
//   {"op":"connect","client","url","options"}        io(url, {...options, forceNew: true})
//   {"op":"emit","client","event","args","ack","seq","timeoutMs"}
//                                                     ack:true -> {"type":"ack","client","seq","args"|"error"}
//   {"op":"ackReply","client","event","args"}         answer the server's acks for `event` with args
//   {"op":"ackReply","client","event","noReply":true} never answer them (default: echo the event's args)
//   {"op":"disconnect","client"}                      socket.disconnect()
//   {"op":"stopPong","client"}                        the current engine stops answering pings
//   {"op":"close","client"}                           socket.io.engine.close() (no Socket.IO DISCONNECT)
//   {"op":"state","client","seq"}                     -> {"type":"state","client","seq","connected","id","transport"}
//   {"op":"exit"}                                     disconnect all, exit 0 (also on end of stdin)
//
// Events: ready, connect, connect_error, disconnect, event, upgrade,
// reconnect_attempt, reconnect, reconnect_failed, done, ack, state, error.

import { createInterface } from "node:readline";
import { io } from "socket.io-client";

// Anything that logs through console.log must not corrupt the event stream.
console.log = console.error;
console.info = console.error;

const clients = new Map(); // client name -> { socket, ackReplies: Map<event, {args}|{noReply}> }
let exiting = false;

function log(...parts) {
    process.stderr.write(`[client-driver] ${parts.join(" ")}\n`);
}

function write(event) {
    let line;
    try {
        line = JSON.stringify(toWire(event));
    } catch (err) {
        line = JSON.stringify({ type: "error", message: `cannot serialize event ${event?.type}: ${err?.message ?? err}` });
    }
    process.stdout.write(line + "\n");
}

// socket.io-client (Node) delivers binary as Buffer, ArrayBuffer or a typed array.
function toWire(value) {
    if (value === undefined || value === null) return null;
    if (Buffer.isBuffer(value)) return { $binary: value.toString("base64") };
    if (value instanceof ArrayBuffer) return { $binary: Buffer.from(value).toString("base64") };
    if (ArrayBuffer.isView(value)) {
        return { $binary: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
    }
    if (Array.isArray(value)) return value.map(toWire);
    if (typeof value === "function") return null;
    if (value instanceof Error) return { message: value.message };
    if (typeof value === "object") {
        const out = {};
        for (const [k, v] of Object.entries(value)) {
            if (typeof v !== "function" && v !== undefined) out[k] = toWire(v);
        }
        return out;
    }
    return value;
}

function isBinaryMarker(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value)
        && typeof value.$binary === "string" && Object.keys(value).length === 1;
}

function fromWire(value) {
    if (Array.isArray(value)) return value.map(fromWire);
    if (isBinaryMarker(value)) return Buffer.from(value.$binary, "base64");
    if (value !== null && typeof value === "object") {
        const out = {};
        for (const [k, v] of Object.entries(value)) out[k] = fromWire(v);
        return out;
    }
    return value;
}

class CommandError extends Error {}

function requireString(cmd, field) {
    const v = cmd[field];
    if (typeof v !== "string" || v.length === 0) throw new CommandError(`"${field}" must be a non-empty string`);
    return v;
}

function getClient(cmd) {
    const name = requireString(cmd, "client");
    const entry = clients.get(name);
    if (!entry) throw new CommandError(`unknown client "${name}"`);
    return entry;
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
    const socket = io(url, { ...fromWire(options), forceNew: true });
    entry.socket = socket;
    clients.set(name, entry);
    const live = () => clients.get(name) === entry;

    socket.on("connect", () => {
        if (live()) write({ type: "connect", client: name, id: socket.id ?? null, transport: transportName(socket) });
    });
    socket.on("connect_error", (err) => {
        if (live()) write({ type: "connect_error", client: name, message: err?.message ?? String(err), data: err?.data ?? null });
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
    write({ type: "state", client: name, seq: cmd.seq ?? null, connected: socket.connected, id: socket.id ?? null, transport: transportName(socket) });
    return false;
}

function shutdown(code) {
    if (exiting) return;
    exiting = true;
    for (const { socket } of clients.values()) {
        try {
            socket.disconnect();
        } catch (err) {
            log(`disconnect during exit failed: ${err?.stack ?? err}`);
        }
    }
    // Stdout to a pipe is synchronous on Linux; the callback makes sure elsewhere too.
    process.stdout.write("", () => process.exit(code));
}

const handlers = {
    connect,
    emit,
    ackReply,
    disconnect: (cmd) => { getClient(cmd).socket.disconnect(); return true; },
    stopPong,
    close: closeTransport,
    state,
    exit: () => { shutdown(0); return false; },
};

function handleLine(line) {
    if (line.trim().length === 0) return;
    let cmd;
    try {
        cmd = JSON.parse(line);
    } catch (err) {
        write({ type: "error", message: `bad JSON: ${err.message}`, line: line.slice(0, 200) });
        return;
    }
    if (cmd === null || typeof cmd !== "object" || Array.isArray(cmd)) {
        write({ type: "error", message: "a command must be a JSON object", line: line.slice(0, 200) });
        return;
    }
    const context = {};
    if (typeof cmd.client === "string") context.client = cmd.client;
    if (cmd.seq !== undefined) context.seq = cmd.seq;
    if (typeof cmd.op === "string") context.op = cmd.op;
    const handler = Object.hasOwn(handlers, cmd.op) ? handlers[cmd.op] : null;
    if (!handler) {
        write({ type: "error", ...context, message: `unknown op ${JSON.stringify(cmd.op ?? null)}` });
        return;
    }
    try {
        const result = handler(cmd);
        if (result && cmd.seq !== undefined) {
            write({ type: "done", ...context, ...(typeof result === "object" ? result : {}) });
        }
    } catch (err) {
        if (!(err instanceof CommandError)) log(`op ${cmd.op} failed: ${err?.stack ?? err}`);
        write({ type: "error", ...context, message: err?.message ?? String(err) });
    }
}

process.on("uncaughtException", (err) => {
    log(`uncaught exception: ${err?.stack ?? err}`);
    write({ type: "error", message: `uncaught exception: ${err?.message ?? err}` });
});
process.on("unhandledRejection", (err) => {
    log(`unhandled rejection: ${err?.stack ?? err}`);
    write({ type: "error", message: `unhandled rejection: ${err?.message ?? err}` });
});
process.stdout.on("error", (err) => {
    // The test host went away (EPIPE): nobody is listening, so stop.
    log(`stdout error: ${err?.message ?? err}`);
    process.exit(1);
});

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on("line", handleLine);
rl.on("close", () => shutdown(0));

write({ type: "ready", pid: process.pid, node: process.version });
