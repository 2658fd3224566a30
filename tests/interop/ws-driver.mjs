// Remote-controlled npm `ws` WebSocket clients for the interop tests (driven by
// tests/Switchboard.Interop.Tests/Harness/WsClientDriver.cs through NodeClientDriver).
//
// Same protocol as client-driver.mjs: newline-delimited JSON commands on stdin,
// newline-delimited JSON events on stdout, diagnostics on stderr. Binary data
// travels as {"$binary":"<base64>"}. A command with "seq" is answered with
// {"type":"done","client","seq","op"} once carried out (for send: once ws has
// written the frame), or {"type":"error","client","seq","op","message"}.
//
// Commands:
//   {"op":"connect","client","url","protocols","options"}  new WebSocket(url, protocols, options)
//                                    options.origin sets the Origin header; "report":"sequence"
//                                    reports binary messages as {"sequence","length"} (first 4 bytes,
//                                    big-endian) instead of their data
//   {"op":"send","client","data","fin"}  ws.send(data, { fin }) (data: string or $binary)
//   {"op":"close","client","code","reason"}  ws.close(code, reason)
//   {"op":"ping","client"}           ws.ping()
//   {"op":"pause","client"}          ws._socket.pause(): stop reading, so pings go unanswered
//   {"op":"resume","client"}         ws._socket.resume()
//   {"op":"terminate","client"}      ws.terminate(): drop the TCP connection
//   {"op":"exit"}                    terminate all, exit 0 (also on end of stdin)
//
// Events: ready, open {protocol}, message {isBinary, data | sequence+length},
// ping, pong, close {code, reason}, socket-error {message} (ws's "error" event);
// done and error answer commands.

import { createInterface } from "node:readline";
import WebSocket from "ws";

console.log = console.error;
console.info = console.error;

const clients = new Map(); // name -> WebSocket
let exiting = false;

function log(...parts) {
    process.stderr.write(`[ws-driver] ${parts.join(" ")}\n`);
}

function write(event) {
    process.stdout.write(JSON.stringify(event) + "\n");
}

function fromWire(value) {
    if (value !== null && typeof value === "object" && typeof value.$binary === "string") {
        return Buffer.from(value.$binary, "base64");
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
    const ws = clients.get(name);
    if (!ws) throw new CommandError(`unknown client "${name}"`);
    return ws;
}

function connect(cmd) {
    const name = requireString(cmd, "client");
    const url = requireString(cmd, "url");
    const { report, ...options } = cmd.options ?? {};
    clients.get(name)?.terminate();
    const ws = new WebSocket(url, cmd.protocols ?? [], options);
    clients.set(name, ws);
    const live = () => clients.get(name) === ws;
    ws.on("open", () => live() && write({ type: "open", client: name, protocol: ws.protocol }));
    ws.on("message", (data, isBinary) => {
        if (!live()) return;
        if (!isBinary) write({ type: "message", client: name, isBinary, data: data.toString("utf8") });
        else if (report === "sequence") write({ type: "message", client: name, isBinary, sequence: data.readInt32BE(0), length: data.length });
        else write({ type: "message", client: name, isBinary, data: { $binary: data.toString("base64") } });
    });
    ws.on("ping", (data) => live() && write({ type: "ping", client: name, length: data.length }));
    ws.on("pong", (data) => live() && write({ type: "pong", client: name, length: data.length }));
    ws.on("close", (code, reason) => live() && write({ type: "close", client: name, code, reason: reason.toString("utf8") }));
    ws.on("error", (err) => live() && write({ type: "socket-error", client: name, message: err?.message ?? String(err) }));
    return true;
}

function send(cmd) {
    const ws = getClient(cmd);
    const data = fromWire(cmd.data);
    const context = { client: cmd.client, seq: cmd.seq, op: "send" };
    ws.send(data, { fin: cmd.fin !== false, binary: Buffer.isBuffer(data) }, (err) => {
        if (cmd.seq === undefined) return;
        if (err) write({ type: "error", ...context, message: err.message });
        else write({ type: "done", ...context });
    });
    return false; // answered from the callback
}

const handlers = {
    connect,
    send,
    close: (cmd) => { getClient(cmd).close(cmd.code ?? undefined, cmd.reason ?? undefined); return true; },
    ping: (cmd) => { getClient(cmd).ping(); return true; },
    pause: (cmd) => { getClient(cmd)._socket.pause(); return true; },
    resume: (cmd) => { getClient(cmd)._socket.resume(); return true; },
    terminate: (cmd) => { getClient(cmd).terminate(); return true; },
    exit: () => { shutdown(0); return false; },
};

function shutdown(code) {
    if (exiting) return;
    exiting = true;
    for (const ws of clients.values()) {
        try {
            ws.terminate();
        } catch (err) {
            log(`terminate during exit failed: ${err?.stack ?? err}`);
        }
    }
    process.stdout.write("", () => process.exit(code));
}

function handleLine(line) {
    if (line.trim().length === 0) return;
    let cmd;
    try {
        cmd = JSON.parse(line);
    } catch (err) {
        write({ type: "error", message: `bad JSON: ${err.message}` });
        return;
    }
    const context = {};
    if (typeof cmd?.client === "string") context.client = cmd.client;
    if (cmd?.seq !== undefined) context.seq = cmd.seq;
    if (typeof cmd?.op === "string") context.op = cmd.op;
    const handler = Object.hasOwn(handlers, cmd?.op) ? handlers[cmd.op] : null;
    if (!handler) {
        write({ type: "error", ...context, message: `unknown op ${JSON.stringify(cmd?.op ?? null)}` });
        return;
    }
    try {
        if (handler(cmd) && cmd.seq !== undefined) write({ type: "done", ...context });
    } catch (err) {
        if (!(err instanceof CommandError)) log(`op ${cmd.op} failed: ${err?.stack ?? err}`);
        write({ type: "error", ...context, message: err?.message ?? String(err) });
    }
}

process.on("uncaughtException", (err) => {
    log(`uncaught exception: ${err?.stack ?? err}`);
    write({ type: "error", message: `uncaught exception: ${err?.message ?? err}` });
});
process.stdout.on("error", (err) => {
    log(`stdout error: ${err?.message ?? err}`);
    process.exit(1);
});

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on("line", handleLine);
rl.on("close", () => shutdown(0));

write({ type: "ready", pid: process.pid, node: process.version });
