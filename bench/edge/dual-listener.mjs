#!/usr/bin/env node
// What does serving HTTP/1.1 and h2c on one port cost? Compares the dual listener
// (libs/service-kit/src/dual-listener.ts) with a plain http.Server (HTTP/1.1 clients) and a plain
// http2.createServer (h2c clients), same trivial handler, server in a child process, load from this one.
//
//   node bench/edge/dual-listener.mjs [seconds-per-run=3] [rounds=3]     (BENCH_FILTER=<name part> runs one scenario)
//
// Scenarios: keep-alive HTTP/1.1 (the peek happens once per connection), a new connection per HTTP/1.1
// request (worst case: one peek per request), and h2c with concurrent streams on a few sessions.
// Rounds alternate baseline/dual so background load hits both alike; the median req/s is printed.
import { fork } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import http from 'node:http';
import http2 from 'node:http2';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function loadDualListener() {
  // Transpile the TypeScript source so the bench needs no build step.
  const ts = require('typescript');
  const source = readFileSync(join(here, '../../libs/service-kit/src/dual-listener.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
  const file = join(mkdtempSync(join(tmpdir(), 'wharf-bench-')), 'dual-listener.cjs');
  writeFileSync(file, outputText);
  return require(file);
}

const SECONDS = Number(process.argv[2] ?? 3);
const ROUNDS = Number(process.argv[3] ?? 3);
const BODY = Buffer.from('{"ok":true}');
let served = 0;
const handler = (_req, res) => {
  served++;
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', BODY.length);
  res.end(BODY);
};

function startServer(kind) {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(import.meta.url), ['--serve', kind], { stdio: 'inherit' });
    const ask = (m) => new Promise((r) => { child.once('message', r); child.send(m); });
    child.once('message', ({ port }) =>
      resolve({ port, mark: () => child.send('mark'), report: () => ask('report'), stop: () => child.kill() }),
    );
  });
}

async function loadHttp1(port, seconds, { connections, keepAlive }) {
  const agent = new http.Agent({ keepAlive, maxSockets: connections });
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  const worker = async () => {
    while (Date.now() < deadline) {
      await new Promise((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/', agent, headers: keepAlive ? {} : { connection: 'close' } }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
      });
      done++;
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  agent.destroy();
  return done / seconds;
}

async function loadHttp2(port, seconds, { sessions, streamsPerSession }) {
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  const clients = Array.from({ length: sessions }, () => http2.connect(`http://127.0.0.1:${port}`));
  const worker = async (session) => {
    while (Date.now() < deadline) {
      await new Promise((resolve, reject) => {
        const stream = session.request({ ':path': '/' });
        stream.on('error', reject);
        stream.resume();
        stream.on('end', resolve);
        stream.end();
      });
      done++;
    }
  };
  await Promise.all(clients.flatMap((s) => Array.from({ length: streamsPerSession }, () => worker(s))));
  for (const c of clients) c.close();
  return done / seconds;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(kind, run) {
  const server = await startServer(kind);
  try {
    await run(server.port, 0.5); // warm-up
    server.mark();
    const rps = await run(server.port, SECONDS);
    const { cpuMicrosPerRequest } = await server.report();
    return { rps, cpu: cpuMicrosPerRequest };
  } finally {
    server.stop();
  }
}

async function main() {
  const scenarios = [
    { name: 'HTTP/1.1 keep-alive, 32 connections', baseline: 'http1', run: (p, s) => loadHttp1(p, s, { connections: 32, keepAlive: true }) },
    { name: 'HTTP/1.1 new connection per request, 16 at a time', baseline: 'http1', run: (p, s) => loadHttp1(p, s, { connections: 16, keepAlive: false }) },
    { name: 'h2c prior knowledge, 4 sessions x 16 streams', baseline: 'http2', run: (p, s) => loadHttp2(p, s, { sessions: 4, streamsPerSession: 16 }) },
  ].filter((s) => !process.env.BENCH_FILTER || s.name.includes(process.env.BENCH_FILTER));
  console.log(`dual listener vs plain server; ${ROUNDS} rounds of ${SECONDS}s each; medians of req/s and of server CPU µs per request`);
  for (const scenario of scenarios) {
    const base = [];
    const dual = [];
    for (let i = 0; i < ROUNDS; i++) {
      base.push(await measure(scenario.baseline, scenario.run));
      dual.push(await measure('dual', scenario.run));
    }
    const b = median(base.map((r) => r.rps));
    const d = median(dual.map((r) => r.rps));
    const bc = median(base.map((r) => r.cpu));
    const dc = median(dual.map((r) => r.cpu));
    console.log(scenario.name);
    console.log(`  req/s        plain ${scenario.baseline}: ${b.toFixed(0).padStart(7)}   dual: ${d.toFixed(0).padStart(7)}   ratio dual/plain: ${(d / b).toFixed(3)}`);
    console.log(`  CPU µs/req   plain ${scenario.baseline}: ${bc.toFixed(1).padStart(7)}   dual: ${dc.toFixed(1).padStart(7)}   ratio dual/plain: ${(dc / bc).toFixed(3)}`);
  }
}

if (process.argv[2] === '--serve') {
  const kind = process.argv[3];
  let server;
  if (kind === 'dual') server = loadDualListener().createHttp1AndH2cServer(handler);
  else if (kind === 'http1') server = http.createServer({ keepAliveTimeout: 30_000 }, handler);
  else if (kind === 'http2') server = http2.createServer({}, handler);
  if (kind === 'dual') server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  // Server CPU time per request: steadier than req/s on a shared machine where the client competes.
  let mark = { cpu: process.cpuUsage(), served: 0 };
  process.on('message', (m) => {
    if (m === 'mark') mark = { cpu: process.cpuUsage(), served };
    if (m === 'report') {
      const cpu = process.cpuUsage(mark.cpu);
      process.send({ cpuMicrosPerRequest: (cpu.user + cpu.system) / Math.max(1, served - mark.served) });
    }
  });
} else {
  await main();
}
