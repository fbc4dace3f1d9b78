#!/usr/bin/env node
// The floor of a proxy hop in its own process: Node's http server streaming each request to one upstream
// through an undici Pool and the answer back — what the edge does for a request, without its routing, SigV4
// scope, x-forwarded-* headers, metrics, retries or AWS-shaped errors. The edge row of bench/run.mjs puts it
// in front of the sns port beside the edge, so the edge's added latency can be read against the hop itself.
//
//   node bench/edge/bare-proxy.mjs <upstream-url> <port>
import http from 'node:http';
import { Pool } from 'undici';

const [upstream, port] = process.argv.slice(2);
const pool = new Pool(upstream, { pipelining: 1 });
http
  .createServer(async (req, res) => {
    const headers = { ...req.headers };
    delete headers.connection; // hop-by-hop; undici refuses it
    delete headers['keep-alive'];
    try {
      const answer = await pool.request({ method: req.method, path: req.url, headers, body: req });
      res.writeHead(answer.statusCode, answer.headers);
      answer.body.pipe(res);
    } catch (err) {
      res.writeHead(502, { 'content-type': 'text/plain' }).end(String(err));
    }
  })
  .listen(Number(port), '127.0.0.1');
