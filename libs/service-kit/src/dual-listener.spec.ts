import http from 'node:http';
import http2 from 'node:http2';
import net, { type AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttp1AndH2cServer, http1AndH2cServerFactory, type DualProtocolServer } from './dual-listener';

const servers: DualProtocolServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(() => r(undefined)));
  }
});

async function listen(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void, options = {}): Promise<{ server: DualProtocolServer; origin: string }> {
  const server = createHttp1AndH2cServer(handler, options);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Echoes method, version, url and the body's length and sha-ish sum. */
function echo(req: http.IncomingMessage, res: http.ServerResponse): void {
  let size = 0;
  let sum = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    for (const b of c) sum = (sum + b) % 65521;
  });
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, version: req.httpVersion, url: req.url, size, sum }));
  });
}

function h1(origin: string, path: string, body?: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${origin}${path}`, { method: body ? 'POST' : 'GET' }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function h2(session: http2.ClientHttp2Session, path: string, body?: Buffer): Promise<{ status: number; headers: http2.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':path': path, ':method': body ? 'POST' : 'GET' });
    let headers: http2.IncomingHttpHeaders = {};
    let data = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => (headers = h));
    stream.on('data', (c: string) => (data += c));
    stream.on('end', () => resolve({ status: Number(headers[':status']), headers, body: data }));
    stream.on('error', reject);
    stream.end(body);
  });
}

const sumOf = (b: Buffer) => b.reduce((s, x) => (s + x) % 65521, 0);

describe('createHttp1AndH2cServer', () => {
  it('serves HTTP/1.1 and h2c prior knowledge on one port through one handler', async () => {
    const { origin } = await listen(echo);
    const one = await h1(origin, '/one');
    expect(JSON.parse(one.body)).toMatchObject({ method: 'GET', version: '1.1', url: '/one' });

    const session = http2.connect(origin);
    try {
      const two = await h2(session, '/two');
      expect(two.status).toBe(200);
      expect(JSON.parse(two.body)).toMatchObject({ method: 'GET', version: '2.0', url: '/two' });
      // A second stream on the same session: the session owns the socket after the hand-over.
      const three = await h2(session, '/three');
      expect(JSON.parse(three.body)).toMatchObject({ version: '2.0', url: '/three' });
    } finally {
      session.close();
    }
  });

  it('passes large bodies intact both ways (the first chunk is replayed, the rest read natively)', async () => {
    const { origin } = await listen(echo);
    const body = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < body.length; i++) body[i] = (i * 31) & 0xff;
    const viaH1 = JSON.parse((await h1(origin, '/big', body)).body);
    expect(viaH1).toMatchObject({ size: body.length, sum: sumOf(body), version: '1.1' });
    const session = http2.connect(origin);
    try {
      const viaH2 = JSON.parse((await h2(session, '/big', body)).body);
      expect(viaH2).toMatchObject({ size: body.length, sum: sumOf(body), version: '2.0' });
    } finally {
      session.close();
    }
  });

  it('waits for the whole preface when it arrives in pieces', async () => {
    const { server } = await listen(echo);
    const port = (server.address() as AddressInfo).port;
    const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
    const emptySettings = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);
    const firstFrame = await new Promise<Buffer>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.write(preface.subarray(0, 8)); // "PRI * HT"
        setTimeout(() => s.write(Buffer.concat([preface.subarray(8), emptySettings])), 100);
      });
      s.once('data', (c: Buffer) => {
        resolve(c);
        s.destroy();
      });
      s.on('error', reject);
    });
    // The server's own SETTINGS frame (type 4 on stream 0), not an HTTP/1.1 "400 Bad Request".
    expect(firstFrame.subarray(0, 4).toString('latin1')).not.toBe('HTTP');
    expect(firstFrame[3]).toBe(4);
  });

  it('answers garbage with a 400 from the HTTP/1.1 parser and keeps serving', async () => {
    const { origin, server } = await listen(echo);
    const port = (server.address() as AddressInfo).port;
    const reply = await new Promise<string>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => s.write('\x00\x01garbage\r\n\r\n'));
      let data = '';
      s.on('data', (c) => (data += c.toString()));
      s.on('close', () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await h1(origin, '/after')).status).toBe(200);
  });

  it('drops a connection that never sends a byte', async () => {
    const { server } = await listen(echo, { firstByteTimeoutMs: 100 });
    const port = (server.address() as AddressInfo).port;
    const closedAfter = await new Promise<number>((resolve) => {
      const started = Date.now();
      const s = net.connect(port, '127.0.0.1');
      s.on('close', () => resolve(Date.now() - started));
      s.on('error', () => undefined);
    });
    expect(closedAfter).toBeGreaterThanOrEqual(90);
    expect(closedAfter).toBeLessThan(2000);
  });

  it('streams a slow chunked response frame by frame over both protocols', async () => {
    const { origin } = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      let n = 0;
      const timer = setInterval(() => {
        res.write(`chunk-${n}\n`);
        if (++n === 3) {
          clearInterval(timer);
          res.end();
        }
      }, 150);
    });
    const arrivals = async (open: () => NodeJS.ReadableStream) => {
      const times: number[] = [];
      const started = Date.now();
      for await (const _chunk of open()) times.push(Date.now() - started);
      return times;
    };
    const viaH1 = await arrivals(() => {
      const pass = new PassThrough();
      http.get(`${origin}/s`, (res) => res.pipe(pass));
      return pass;
    });
    const session = http2.connect(origin);
    const viaH2 = await arrivals(() => session.request({ ':path': '/s' }).end());
    session.close();
    for (const times of [viaH1, viaH2]) {
      expect(times.length).toBeGreaterThanOrEqual(3);
      // The first chunk arrives long before the last one was even written.
      expect((times.at(-1) ?? 0) - (times.at(0) ?? 0)).toBeGreaterThan(200);
    }
  });

  it('forgets an HTTP/2 connection whose client just drops it (no GOAWAY), mid-stream', async () => {
    const { origin, server } = await listen((_req, res) => {
      res.writeHead(200);
      res.write('open'); // never ends
    });
    const session = http2.connect(origin);
    session.on('error', () => undefined);
    const stream = session.request({ ':path': '/forever' });
    stream.on('error', () => undefined);
    await new Promise((r) => stream.once('data', r));
    const count = () => new Promise<number>((r) => server.getConnections((_e, n) => r(n)));
    expect(await count()).toBe(1);
    session.destroy();
    for (let i = 0; i < 40 && (await count()) > 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await count()).toBe(0);
    expect(server.http2Sessions.size).toBe(0);
  });

  it('close() also ends a keep-alive HTTP/1.1 connection as soon as its request in flight is answered', async () => {
    const { origin, server } = await listen((req, res) => setTimeout(() => echo(req, res), 300));
    servers.splice(servers.indexOf(server), 1);
    const agent = new http.Agent({ keepAlive: true });
    const answered = new Promise((r) => http.get(`${origin}/slow`, { agent }, (res) => res.resume().on('end', r)));
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await new Promise((r) => server.close(() => r(undefined)));
    await answered;
    expect(Date.now() - started).toBeLessThan(1000); // not the client's keep-alive timeout, not the grace
    agent.destroy();
  });

  it('close() ends idle HTTP/1.1 and HTTP/2 connections at once and cuts busy ones after the grace', async () => {
    const { origin, server } = await listen(
      (req, res) => {
        if (req.url === '/forever') {
          res.writeHead(200);
          res.write('open');
          return; // never ends
        }
        echo(req, res);
      },
      { closeGraceMs: 300 },
    );
    servers.splice(servers.indexOf(server), 1);
    const agent = new http.Agent({ keepAlive: true });
    await new Promise((r) => http.get(`${origin}/idle`, { agent }, (res) => res.resume().on('end', r)));
    const idle = http2.connect(origin);
    await h2(idle, '/idle');
    const busy = http2.connect(origin);
    const stream = busy.request({ ':path': '/forever' });
    stream.on('error', () => undefined);
    busy.on('error', () => undefined);
    await new Promise((r) => stream.once('data', r));

    const started = Date.now();
    const idleClosed = new Promise((r) => idle.once('close', r));
    await new Promise((r) => server.close(() => r(undefined)));
    const took = Date.now() - started;
    await idleClosed;
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(3000);
    agent.destroy();
  });
});

describe('http1AndH2cServerFactory with Fastify', () => {
  it('routes both protocols through the same Fastify route; no connection-specific headers on h2', async () => {
    const app = Fastify({ serverFactory: http1AndH2cServerFactory() });
    app.post('/echo', async (request, reply) => {
      reply.header('x-version', request.raw.httpVersion);
      return { got: (request.body as { n: number }).n };
    });
    app.get('/stream', (_request, reply) => {
      const out = new PassThrough();
      void reply.header('content-type', 'application/vnd.amazon.eventstream').send(out);
      out.write('a');
      setTimeout(() => out.end('b'), 50);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      const viaH1 = await fetch(`${origin}/echo`, { method: 'POST', body: '{"n":1}', headers: { 'content-type': 'application/json' } });
      expect(await viaH1.json()).toEqual({ got: 1 });
      expect(viaH1.headers.get('x-version')).toBe('1.1');

      const session = http2.connect(origin);
      const viaH2 = await new Promise<{ headers: http2.IncomingHttpHeaders; body: string }>((resolve, reject) => {
        const s = session.request({ ':path': '/echo', ':method': 'POST', 'content-type': 'application/json' });
        let body = '';
        let headers: http2.IncomingHttpHeaders = {};
        s.on('response', (h) => (headers = h));
        s.on('data', (c) => (body += c));
        s.on('end', () => resolve({ headers, body }));
        s.on('error', reject);
        s.end('{"n":2}');
      });
      expect(JSON.parse(viaH2.body)).toEqual({ got: 2 });
      expect(viaH2.headers['x-version']).toBe('2.0');
      expect(viaH2.headers.connection).toBeUndefined();
      expect(viaH2.headers['transfer-encoding']).toBeUndefined();

      const streamed = await h2(session, '/stream');
      expect(streamed.body).toBe('ab');
      session.close();
    } finally {
      await app.close();
    }
  });
});
