// The Node plain WebSocket reference: ws 8 with the benchmark's chat (every message to every other client).
// PORT from the environment; prints "listening <port>" when ready.
const { WebSocketServer } = require('ws');

const wss = new WebSocketServer({ port: Number(process.env.PORT || 0), path: '/ws' });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    for (const client of wss.clients) {
      if (client !== ws && client.readyState === 1) client.send(data, { binary: isBinary });
    }
  });
});
wss.on('listening', () => console.log(`listening ${wss.address().port}`));
