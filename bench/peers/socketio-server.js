// The Node reference: socket.io 4.8 with the benchmark's chat and rooms handlers.
// PORT from the environment; prints "listening <port>" when ready.
const { Server } = require('socket.io');

const io = new Server(Number(process.env.PORT || 0), { serveClient: false });
io.on('connection', (socket) => {
  // (a) chat fan-out: every message to every other client.
  socket.on('message', (...args) => socket.broadcast.emit('message', ...args));
  // (b) rooms: join a room, then messages go to the other members of that room.
  socket.on('join', (room) => socket.join(room));
  socket.on('room', (room, ...args) => socket.to(room).emit('room', ...args));
  // (d) acknowledgement round trip.
  socket.on('ack', (payload, callback) => callback(payload));
});
io.httpServer.on('listening', () => console.log(`listening ${io.httpServer.address().port}`));
