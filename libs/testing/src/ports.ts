import { createServer } from 'node:net';

/** A TCP port that was free a moment ago on 127.0.0.1 (the kernel picks it, from the ephemeral range). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Below the kernel's ephemeral range (32768-60999 here): only listeners take these, never a client connection. */
const LISTENER_PORTS = { from: 20_000, count: 12_000 };
/** Every port listenerPort handed out in this process: a stack's edge and replicas never share one. */
const handedOut = new Set<number>();

/**
 * A free port for a listener that binds later (a broker, an app, a replica whose port is fixed before its
 * service starts). Not from the ephemeral range, where the client connections of the processes that boot
 * meanwhile take their local ports; and never one this process handed out before, even if it is free again:
 * the kernel may give a port back to two callers, whose apps then race for it (seen: a Kinesis replica's port
 * also given to another app of its stack, which answered the replica's traffic).
 */
export async function listenerPort(): Promise<number> {
  for (;;) {
    const port = LISTENER_PORTS.from + Math.floor(Math.random() * LISTENER_PORTS.count);
    if (handedOut.has(port)) continue;
    handedOut.add(port); // before the check, so that callers running side by side skip it
    if (await canListen(port)) return port;
  }
}

/**
 * `size` consecutive ports for a process that picks its own among them and checks each before it binds (mq's
 * WHARF_MQ_ACTIVEMQ_PORTS), as `[first, last]`: none of them handed out before in this process, or after.
 */
export function listenerPortRange(size: number): [number, number] {
  for (;;) {
    const first = LISTENER_PORTS.from + Math.floor(Math.random() * (LISTENER_PORTS.count - size + 1));
    const ports = Array.from({ length: size }, (_, i) => first + i);
    if (ports.some((p) => handedOut.has(p))) continue;
    for (const p of ports) handedOut.add(p);
    return [first, first + size - 1];
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Resolves once host:port accepts a TCP connection, or rejects after `timeoutMs`. */
export async function waitForPort(port: number, host = '127.0.0.1', timeoutMs = 30_000): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, host);
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${host}:${port} did not accept connections within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
