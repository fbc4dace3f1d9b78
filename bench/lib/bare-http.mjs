// The HTTP side of the bench's bare servers (bench/sqs/bare-server.mjs, bench/sns/bare-server.mjs,
// bench/kinesis/floor-server.mjs): Node's own server and nothing else, so what they cost a call is the least any server written on Node pays.
import http from 'node:http';
import http2 from 'node:http2';

/**
 * Listens on 127.0.0.1:`port` (HTTP/1.1) and, given `h2cPort`, on that port for HTTP/2 with prior knowledge
 * (the JS SDK's Kinesis client), with 16 MiB windows as Wharf's kinesis; /health answers ok, every other request
 * goes to `answer` with its whole body.
 */
export function serveWholeBodies(port, answer, h2cPort) {
  const handler = (req, res) => {
    if (req.url === '/health') return void res.end('ok');
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => answer(req, Buffer.concat(chunks), res));
  };
  http.createServer(handler).listen(Number(port), '127.0.0.1');
  if (h2cPort === undefined) return;
  const window = 16 * 1024 * 1024;
  const h2 = http2.createServer({ settings: { initialWindowSize: window } }, handler);
  h2.on('session', (session) => session.setLocalWindowSize(window));
  h2.listen(Number(h2cPort), '127.0.0.1');
}
