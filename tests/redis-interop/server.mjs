// A Node socket.io 4.8 server with @socket.io/redis-adapter 8.x, the reference peer of the Redis adapter tests
// (tests/Switchboard.Redis.Tests/Harness/NodeClusterServer.cs starts it). It runs the same handlers as the
// Switchboard test servers (tests/Switchboard.Redis.Tests/Harness/ClusterApp.cs), so a test drives either through
// its clients alike.
//
// Environment: REDIS_URL (redis://127.0.0.1:PORT), REDIS_KEY (the adapter's key), SERVER_NAME,
// SPECIFIC_RESPONSE_CHANNEL=1 (the adapter's publishOnSpecificResponseChannel). The adapter's requestsTimeout is its
// default, 5 s, which also bounds serverSideEmitWithAck: Node takes no per-call timeout there.
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
//   all-rooms()                                                 -> {rooms}
//   server-side-emit({event, args})
//   server-side-emit-with-ack({event, args})                    -> {responses} | {error, responses}
// Server-side events from the other servers:
//   announce(...args)  -> this server's own sockets get "announced" {server, args}
//   whoami(ack)        -> ack(SERVER_NAME)

import { createServer } from "node:http";
import { createInterface } from "node:readline";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";

const { REDIS_URL, REDIS_KEY = "socket.io", SERVER_NAME = "node", SPECIFIC_RESPONSE_CHANNEL } = process.env;

const pubClient = createClient({ url: REDIS_URL });
const subClient = pubClient.duplicate();
for (const client of [pubClient, subClient]) client.on("error", (err) => console.error(`redis: ${err?.message ?? err}`));
await Promise.all([pubClient.connect(), subClient.connect()]);

const httpServer = createServer();
const io = new Server(httpServer, { adapter: createAdapter(pubClient, subClient, {
    key: REDIS_KEY,
    publishOnSpecificResponseChannel: SPECIFIC_RESPONSE_CHANNEL === "1",
}) });

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
        socket.on("all-rooms", answer(async () => ({ rooms: [...(await nsp.adapter.allRooms())].sort() })));
        socket.on("server-side-emit", answer((request) => { nsp.serverSideEmit(request.event, ...(request.args ?? [])); return true; }));
        socket.on("server-side-emit-with-ack", answer(async (request) => ({
            responses: await nsp.serverSideEmitWithAck(request.event, ...(request.args ?? [])),
        })));
    });

    nsp.on("announce", (...args) => nsp.local.emit("announced", { server: SERVER_NAME, args }));
    nsp.on("whoami", (ack) => ack(SERVER_NAME));
}

// The adapters subscribed on subClient when their namespaces were created; node-redis answers one client's commands in
// order, so once this subscription is confirmed, the adapters' are too.
await subClient.subscribe(`${REDIS_KEY}-ready#${SERVER_NAME}`, () => {});
await subClient.unsubscribe(`${REDIS_KEY}-ready#${SERVER_NAME}`);

httpServer.listen(0, "127.0.0.1", () => {
    process.stdout.write(JSON.stringify({ type: "listening", port: httpServer.address().port }) + "\n");
});

createInterface({ input: process.stdin }).on("close", async () => {
    io.close();
    await Promise.allSettled([pubClient.quit(), subClient.quit()]);
    process.exit(0);
});
