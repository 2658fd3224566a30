// The Node reference: socket.io 4.8 with the benchmark's chat, rooms, ack and fetch handlers.
// PORT from the environment; prints "listening <port>" when ready. With REDIS_URL (redis://127.0.0.1:PORT), a node
// of a cluster over @socket.io/redis-adapter 8.3, ready once its adapter listens on Redis.
const { createServer } = require('node:http');
const { Server } = require('socket.io');
const { createAdapter } = require('@socket.io/redis-adapter');
const { createClient } = require('redis');

async function connectRedis(url) {
  const pubClient = createClient({ url });
  const subClient = pubClient.duplicate();
  for (const client of [pubClient, subClient]) client.on('error', (err) => console.error(`redis: ${err?.message ?? err}`));
  await Promise.all([pubClient.connect(), subClient.connect()]);
  return { subClient, adapter: createAdapter(pubClient, subClient) };
}

async function main() {
  const redis = process.env.REDIS_URL ? await connectRedis(process.env.REDIS_URL) : null;
  const httpServer = createServer();
  const io = new Server(httpServer, { serveClient: false, adapter: redis?.adapter });
  io.on('connection', (socket) => {
    // (a) chat fan-out: every message to every other client.
    socket.on('message', (...args) => socket.broadcast.emit('message', ...args));
    // (b) rooms: join a room, then messages go to the other members of that room.
    socket.on('join', (room) => socket.join(room));
    socket.on('room', (room, ...args) => socket.to(room).emit('room', ...args));
    // (d) acknowledgement round trip.
    socket.on('ack', (payload, callback) => callback(payload));
    // (g) fetchSockets round trip: every socket of the cluster, answered with their count.
    socket.on('fetch', async (callback) => {
      const sockets = await io.fetchSockets();
      callback(sockets.length);
    });
  });
  if (redis) {
    // The adapter subscribed on subClient when the main namespace was created; node-redis answers one client's
    // commands in order, so once this subscription is confirmed, the adapter's is too.
    await redis.subClient.subscribe('bench-ready', () => {});
    await redis.subClient.unsubscribe('bench-ready');
  }
  httpServer.listen(Number(process.env.PORT || 0), () => console.log(`listening ${httpServer.address().port}`));
}

main();
