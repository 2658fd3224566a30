// Remote-controlled npm `ws` WebSocket clients for the interop tests (driven by
// tests/Switchboard.Interop.Tests/Harness/WsClientDriver.cs through NodeClientDriver).
//
// Protocol, binary markers, seq/done/error replies and exit: driver-protocol.mjs.
// send is answered once ws has written the frame.
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

import WebSocket from "ws";
import { clients, fromWire, getClient, requireString, runDriver, write } from "./driver-protocol.mjs";

// clients: name -> WebSocket

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

runDriver({
    handlers: {
        connect,
        send,
        close: (cmd) => { getClient(cmd).close(cmd.code ?? undefined, cmd.reason ?? undefined); return true; },
        ping: (cmd) => { getClient(cmd).ping(); return true; },
        pause: (cmd) => { getClient(cmd)._socket.pause(); return true; },
        resume: (cmd) => { getClient(cmd)._socket.resume(); return true; },
        terminate: (cmd) => { getClient(cmd).terminate(); return true; },
    },
    closeClient: (ws) => ws.terminate(),
});
