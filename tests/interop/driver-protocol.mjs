// The plumbing shared by the interop driver scripts (client-driver.mjs, ws-driver.mjs), which
// tests/Switchboard.Interop.Tests/Harness/NodeClientDriver.cs runs.
//
// Protocol: newline-delimited JSON commands on stdin, newline-delimited JSON events on stdout.
// Nothing else is ever written to stdout; diagnostics go to stderr. Binary values travel as
// {"$binary":"<base64>"} in both directions, at any depth.
//
// Every command names an "op" and may carry "seq". A handler returns a truthy value once it has
// carried the command out; the driver then answers {"type":"done","client","seq","op"} (plus the
// fields of an object result) if the command had a seq. A handler that sends its own reply
// returns false. A failure answers {"type":"error","client","seq","op","message"}.
// {"op":"exit"}, and the end of stdin, close every client and exit 0.

import { createInterface } from "node:readline";
import { basename } from "node:path";

// Anything that logs through console.log must not corrupt the event stream.
console.log = console.error;
console.info = console.error;

/** Client name -> whatever the driver keeps per client. */
export const clients = new Map();

const logPrefix = `[${basename(process.argv[1] ?? "driver", ".mjs")}]`;
let exiting = false;

export function log(...parts) {
    process.stderr.write(`${logPrefix} ${parts.join(" ")}\n`);
}

export function write(event) {
    let line;
    try {
        line = JSON.stringify(toWire(event));
    } catch (err) {
        line = JSON.stringify({ type: "error", message: `cannot serialize event ${event?.type}: ${err?.message ?? err}` });
    }
    process.stdout.write(line + "\n");
}

// Node clients deliver binary as Buffer, ArrayBuffer or a typed array.
export function toWire(value) {
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

export function fromWire(value) {
    if (Array.isArray(value)) return value.map(fromWire);
    if (isBinaryMarker(value)) return Buffer.from(value.$binary, "base64");
    if (value !== null && typeof value === "object") {
        const out = {};
        for (const [k, v] of Object.entries(value)) out[k] = fromWire(v);
        return out;
    }
    return value;
}

/** A rejected command: answered with an error event, not logged as a driver fault. */
export class CommandError extends Error {}

export function requireString(cmd, field) {
    const v = cmd[field];
    if (typeof v !== "string" || v.length === 0) throw new CommandError(`"${field}" must be a non-empty string`);
    return v;
}

export function getClient(cmd) {
    const name = requireString(cmd, "client");
    const client = clients.get(name);
    if (!client) throw new CommandError(`unknown client "${name}"`);
    return client;
}

/**
 * Serves commands from stdin until exit. handlers: op -> (cmd) => result (see the top of this
 * file); closeClient(client) closes one entry of `clients` on exit.
 */
export function runDriver({ handlers, closeClient }) {
    const ops = { ...handlers, exit: () => { shutdown(0); return false; } };

    function shutdown(code) {
        if (exiting) return;
        exiting = true;
        for (const client of clients.values()) {
            try {
                closeClient(client);
            } catch (err) {
                log(`closing a client during exit failed: ${err?.stack ?? err}`);
            }
        }
        // Stdout to a pipe is synchronous on Linux; the callback makes sure elsewhere too.
        process.stdout.write("", () => process.exit(code));
    }

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
        const handler = Object.hasOwn(ops, cmd.op) ? ops[cmd.op] : null;
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
}
