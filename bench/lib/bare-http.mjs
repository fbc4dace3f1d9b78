// The HTTP side of the bench's bare servers (bench/sqs/bare-server.mjs, bench/kinesis/floor-server.mjs): Node's
// own server and nothing else, so what they cost a call is the least any server written on Node pays.
import http from 'node:http';

/** Listens on 127.0.0.1:`port`; /health answers ok, every other request goes to `answer` with its whole body. */
export function serveWholeBodies(port, answer) {
  return http
    .createServer((req, res) => {
      if (req.url === '/health') return void res.end('ok');
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => answer(req, Buffer.concat(chunks), res));
    })
    .listen(Number(port), '127.0.0.1');
}
