// socket.io-msgpack-parser itself, remote-controlled for the interop tests
// (tests/Switchboard.Interop.Tests/MsgPackReferenceParityTests.cs), so they can compare the
// server's msgpack packets with the npm parser's, byte for byte.
//
// Protocol, binary markers, seq/done/error replies and exit: driver-protocol.mjs. "client" only
// labels the replies.
//
// Commands:
//   {"op":"encode","client","packet","seq"}  -> done with "hex": new Encoder().encode(packet)[0]
//   {"op":"decode","client","hex","seq"}     -> done with "packet": what new Decoder() emits for the
//                                               bytes as JSON.stringify writes it (a Date as its ISO
//                                               text, undefined as null or left out), or an error reply
//                                               with the message the decoder throws

import parser from "socket.io-msgpack-parser";
import { CommandError, fromWire, requireString, runDriver } from "./driver-protocol.mjs";

function encode(cmd) {
    const [encoded] = new parser.Encoder().encode(fromWire(cmd.packet));
    return { hex: Buffer.from(encoded).toString("hex") };
}

function decode(cmd) {
    const decoder = new parser.Decoder();
    let packet = null;
    decoder.on("decoded", (decoded) => { packet = decoded; });
    try {
        decoder.add(Buffer.from(requireString(cmd, "hex"), "hex"));
    } catch (err) {
        throw new CommandError(err?.message ?? String(err));
    }
    return { packet: JSON.parse(JSON.stringify(packet, binaryAsMarker)) };
}

// Buffer (bin) and ArrayBuffer (extension 0) as {"$binary"}: `this[key]` is the value before its toJSON.
function binaryAsMarker(key, value) {
    const original = this[key];
    if (Buffer.isBuffer(original) || original instanceof ArrayBuffer) return { $binary: Buffer.from(original).toString("base64") };
    return value;
}

runDriver({ handlers: { encode, decode }, closeClient: () => {} });
