// A Node socket.io 4.8 server, the reference peer of the Redis adapter tests (tests/Switchboard.Redis.Tests/Harness/
// ProcessClusterServer.cs starts it), with @socket.io/redis-adapter 8.x or @socket.io/redis-streams-adapter 0.3. It runs
// the same handlers as the Switchboard test servers (tests/Switchboard.Redis.Tests/Harness/ClusterApp.cs), so a test
// drives either through its clients alike.
//
// Environment: REDIS_URL (redis://127.0.0.1:PORT), REDIS_KEY, SERVER_NAME, ADAPTER ("pubsub", the default, or
// "streams"), RECOVERY=1 (connection state recovery on). With pubsub: REDIS_KEY is the adapter's key,
// SPECIFIC_RESPONSE_CHANNEL=1 its publishOnSpecificResponseChannel, and its requestsTimeout is its default, 5 s, which
// also bounds serverSideEmitWithAck: Node takes no per-call timeout there. With streams: REDIS_KEY names the stream,
// the channel prefix and the session key prefix (REDIS_KEY:session:), as the Switchboard test servers name theirs.
// Stdout: one line, {"type":"listening","port":N}, once the adapter listens on Redis. Exits when stdin ends.
//
// The same handlers serve the namespaces / and /admin, each operation in the client's namespace.
// Client events (each answered through the acknowledgement; failures as {"error": message}):
//   join(...rooms), leave(room), set-data(key, value)
//   broadcast({to, except, local, volatile, compress, event, args})
//                                                               io.to(to).except(except).emit(event, ...args)
//   broadcast-binary({to, event}, bytes)                        ... emit(event, bytes)
//   broadcast-with-ack({to, except, event, args, timeoutMs})    -> {responses} | {error, responses}
//   fetch-sockets({to, except, local})                          -> {sockets: [{id, rooms, data, handshake}]}
//   (each request's to, except, local, volatile and compress choose the targets and flags as for broadcast)
//   remote-emit({to, event, args})                              fetchSockets(), then socket.emit on each
//   sockets-join({to, except, rooms}), sockets-leave(...), disconnect-sockets({to, except, close})
//   all-rooms()                                                 -> {rooms} (the Streams adapter has no allRooms():
//                                                                  this server's rooms, as Switchboard's)
//   server-side-emit({event, args})
//   server-side-emit-with-ack({event, args})                    -> {responses} | {error, responses}
// Server-side events from the other servers:
//   announce(...args)  -> this server's own sockets get "announced" {server, args}
//   whoami(ack)        -> ack(SERVER_NAME)

import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import { setTimeout as delay } from "node:timers/promises";
import { Server } from "socket.io";
import { createAdapter as createPubSubAdapter } from "@socket.io/redis-adapter";
import { createAdapter as createStreamsAdapter } from "@socket.io/redis-streams-adapter";
import { createClient } from "redis";

const { REDIS_URL, REDIS_KEY = "socket.io", SERVER_NAME = "node", ADAPTER = "pubsub", SPECIFIC_RESPONSE_CHANNEL, RECOVERY } = process.env;
const streams = ADAPTER === "streams";

// Named, so that the Streams adapter's reading client (a duplicate, with the same name) can be found in CLIENT LIST.
const clientName = `sio-${SERVER_NAME}-${randomUUID()}`;
const pubClient = createClient({ url: REDIS_URL, name: clientName });
const subClient = pubClient.duplicate();
for (const client of [pubClient, subClient]) client.on("error", (err) => console.error(`redis: ${err?.message ?? err}`));
await Promise.all([pubClient.connect(), subClient.connect()]);

const httpServer = createServer();
const io = new Server(httpServer, {
    adapter: streams
        ? createStreamsAdapter(pubClient, { streamName: REDIS_KEY, channelPrefix: REDIS_KEY, sessionKeyPrefix: `${REDIS_KEY}:session:` })
        : createPubSubAdapter(pubClient, subClient, { key: REDIS_KEY, publishOnSpecificResponseChannel: SPECIFIC_RESPONSE_CHANNEL === "1" }),
    connectionStateRecovery: RECOVERY === "1" ? {} : undefined,
});

function describe(socket) {
    const { url, query, auth, address, secure, issued, headers } = socket.handshake;
    return { id: socket.id, rooms: [...socket.rooms].sort(), data: socket.data, handshake: { url, query, auth, address, secure, issued, headers } };
}

function answer(handler) {
    return async (...args) => {
        const ack = args.pop();
        try {
            ack(await handler(...args));
        } catch (err) {
            ack({ error: err?.message ?? String(err), responses: err?.responses ?? null });
        }
    };
}

for (const nsp of [io.of("/"), io.of("/admin")]) {
    const target = (request) => {
        let operator = nsp.to(request?.to ?? []).except(request?.except ?? []);
        if (request?.local) operator = operator.local;
        if (request?.volatile) operator = operator.volatile;
        if (request?.compress === false) operator = operator.compress(false);
        return operator;
    };

    nsp.on("connection", (socket) => {
        socket.on("join", answer((...rooms) => { socket.join(rooms); return true; }));
        socket.on("leave", answer((room) => { socket.leave(room); return true; }));
        socket.on("set-data", answer((key, value) => { socket.data[key] = value; return true; }));
        socket.on("broadcast", answer((request) => { target(request).emit(request.event, ...(request.args ?? [])); return true; }));
        socket.on("broadcast-binary", answer((request, bytes) => { target(request).emit(request.event, bytes); return true; }));
        socket.on("broadcast-with-ack", answer(async (request) => ({
            responses: await target(request).timeout(request.timeoutMs).emitWithAck(request.event, ...(request.args ?? [])),
        })));
        socket.on("fetch-sockets", answer(async (request) => ({ sockets: (await target(request).fetchSockets()).map(describe) })));
        socket.on("remote-emit", answer(async (request) => {
            for (const remote of await target(request).fetchSockets()) remote.emit(request.event, ...(request.args ?? []));
            return true;
        }));
        socket.on("sockets-join", answer((request) => { target(request).socketsJoin(request.rooms); return true; }));
        socket.on("sockets-leave", answer((request) => { target(request).socketsLeave(request.rooms); return true; }));
        socket.on("disconnect-sockets", answer((request) => { target(request).disconnectSockets(request.close === true); return true; }));
        socket.on("all-rooms", answer(async () => ({
            rooms: [...(typeof nsp.adapter.allRooms === "function" ? await nsp.adapter.allRooms() : nsp.adapter.rooms.keys())].sort(),
        })));
        socket.on("server-side-emit", answer((request) => { nsp.serverSideEmit(request.event, ...(request.args ?? [])); return true; }));
        socket.on("server-side-emit-with-ack", answer(async (request) => ({
            responses: await nsp.serverSideEmitWithAck(request.event, ...(request.args ?? [])),
        })));
    });

    nsp.on("announce", (...args) => nsp.local.emit("announced", { server: SERVER_NAME, args }));
    nsp.on("whoami", (ack) => ack(SERVER_NAME));
}

if (streams) {
    // The Streams adapter subscribes and starts reading on clients of its own, without saying when: wait until Redis
    // counts each namespace's own channel, and shows the reading client blocked in XREAD.
    const namespaces = [io.of("/"), io.of("/admin")];
    for (;;) {
        const counts = await Promise.all(namespaces.map((nsp) => pubClient.pubSubNumSub(`${REDIS_KEY}#${nsp.name}#${nsp.adapter.uid}#`)));
        const clients = await pubClient.clientList();
        const subscribed = counts.every((count) => Object.values(count)[0] === 1);
        if (subscribed && clients.some((client) => client.name === clientName && client.cmd === "xread")) break;
        await delay(20);
    }
} else {
    // The adapters subscribed on subClient when their namespaces were created; node-redis answers one client's commands
    // in order, so once this subscription is confirmed, the adapters' are too.
    await subClient.subscribe(`${REDIS_KEY}-ready#${SERVER_NAME}`, () => {});
    await subClient.unsubscribe(`${REDIS_KEY}-ready#${SERVER_NAME}`);
}

httpServer.listen(0, "127.0.0.1", () => {
    process.stdout.write(JSON.stringify({ type: "listening", port: httpServer.address().port }) + "\n");
});

createInterface({ input: process.stdin }).on("close", async () => {
    io.close();
    await Promise.allSettled([pubClient.quit(), subClient.quit()]);
    process.exit(0);
});
