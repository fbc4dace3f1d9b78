import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { activemqPairCheck, kafkaCheck, probeTcp, rabbitmqCheck, redactUrl, redisCheck, tcpCheck } from './broker-checks';

// Checks against ports where nothing listens or where a local stand-in answers; the same checks against
// the real brokers are in broker-checks.int.spec.ts.

const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function listen(onConnection: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/** A port that refuses connections: listened on a moment ago, now closed. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** Stands in for an active ActiveMQ instance: sends a WireFormatInfo-like greeting with the magic. */
const openWireGreeting = (socket: net.Socket) => socket.end(Buffer.concat([Buffer.from([0, 0, 1, 0x51, 1]), Buffer.from('ActiveMQ')]));

describe('probeTcp / tcpCheck', () => {
  it('reports the round trip to a listening port', async () => {
    const port = await listen((s) => s.end());
    const detail = await tcpCheck('thing', '127.0.0.1', port).check();
    expect(detail).toMatchObject({ address: `127.0.0.1:${port}` });
    expect(typeof (detail as { latencyMs: number }).latencyMs).toBe('number');
  });

  it('fails fast and says why on a refused port', async () => {
    const port = await closedPort();
    await expect(probeTcp('127.0.0.1', port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('fails within its timeout when the peer accepts but never greets', async () => {
    const port = await listen((s) => s.resume()); // reads, never answers
    const started = Date.now();
    await expect(probeTcp('127.0.0.1', port, { timeoutMs: 200, expectGreeting: 'ActiveMQ' })).rejects.toThrow(/no greeting within 200 ms/);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('rejects a peer that greets with something else', async () => {
    const port = await listen((s) => s.end('SSH-2.0-OpenSSH\r\n'));
    await expect(probeTcp('127.0.0.1', port, { expectGreeting: 'ActiveMQ' })).rejects.toThrow(/closed without "ActiveMQ"/);
  });
});

describe('activemqPairCheck', () => {
  it('names the instance that serves; the other is "standby or down"', async () => {
    const active = await listen(openWireGreeting);
    const standby = await closedPort();
    const detail = await activemqPairCheck([
      { name: 'a', host: '127.0.0.1', port: standby },
      { name: 'b', host: '127.0.0.1', port: active },
    ]).check();
    expect(detail).toMatchObject({ active: 'b', instances: { a: { state: 'standby or down' }, b: { state: 'active' } } });
  });

  it('is down when neither instance serves', async () => {
    const [a, b] = [await closedPort(), await closedPort()];
    await expect(
      activemqPairCheck([
        { name: 'a', host: '127.0.0.1', port: a },
        { name: 'b', host: '127.0.0.1', port: b },
      ]).check(),
    ).rejects.toThrow(/no ActiveMQ instance serves/);
  });

  it('is an error when both serve (the lock is not shared)', async () => {
    const [a, b] = [await listen(openWireGreeting), await listen(openWireGreeting)];
    await expect(
      activemqPairCheck([
        { name: 'a', host: '127.0.0.1', port: a },
        { name: 'b', host: '127.0.0.1', port: b },
      ]).check(),
    ).rejects.toThrow(/more than one ActiveMQ instance serves/);
  });
});

describe('broker checks against brokers that are down', () => {
  it('redis, rabbitmq and kafka fail within their timeout and leave nothing running', async () => {
    const port = await closedPort();
    const checks = [
      redisCheck(`redis://127.0.0.1:${port}`, { timeoutMs: 500 }),
      rabbitmqCheck(`amqp://guest:guest@127.0.0.1:${port}`, { timeoutMs: 500 }),
      kafkaCheck([`127.0.0.1:${port}`], { timeoutMs: 500 }),
    ];
    const started = Date.now();
    const results = await Promise.allSettled(checks.map((c) => c.check()));
    expect(Date.now() - started).toBeLessThan(1500);
    for (const r of results) expect(r.status).toBe('rejected');
    // Failing twice does not pile up clients: each failure dropped its connection.
    const again = await Promise.allSettled(checks.map((c) => c.check()));
    for (const r of again) expect(r.status).toBe('rejected');
    await Promise.all(checks.map((c) => c.close()));
  });

  it('a silent peer (accepts, never answers) times out instead of hanging', async () => {
    const port = await listen((s) => s.resume()); // reads, never answers
    const started = Date.now();
    await expect(redisCheck(`redis://127.0.0.1:${port}`, { timeoutMs: 300 }).check()).rejects.toThrow();
    await expect(rabbitmqCheck(`amqp://127.0.0.1:${port}`, { timeoutMs: 300 }).check()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2000);
    // The abandoned connections were closed by the checks, not left to the peer.
    for (let i = 0; i < 20 && sockets.size > 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(sockets.size).toBe(0);
  });
});

describe('redactUrl', () => {
  it('hides passwords', () => {
    expect(redactUrl('amqp://guest:secret@host:5672/vh')).toBe('amqp://guest:***@host:5672/vh');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});
