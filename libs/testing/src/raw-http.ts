import net from 'node:net';

export interface RawExchange {
  /** Everything the server sent before it closed the connection (or before `waitMs`). */
  response: string;
  /** Whether the server closed the connection within `waitMs`. */
  closed: boolean;
  /** From the first byte written to the close (or to `waitMs`). */
  elapsedMs: number;
}

/**
 * Writes raw bytes on a fresh TCP connection (what no HTTP client would send: a malformed Host, a chunk that
 * announces 2^60 bytes) and waits for the server to close it, at most `waitMs`.
 */
export function rawExchange(url: string, bytes: string | Buffer, waitMs: number): Promise<RawExchange> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const started = Date.now();
    const done = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ response: Buffer.concat(chunks).toString('latin1'), closed, elapsedMs: Date.now() - started });
    };
    const timer = setTimeout(() => done(false), waitMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.once('close', () => done(true));
    socket.on('error', () => undefined);
    socket.write(bytes);
  });
}
