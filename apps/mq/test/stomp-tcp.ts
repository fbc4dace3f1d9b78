import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface StompFrame {
  command: string;
  headers: Record<string, string>;
  body: string;
}

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/:/g, '\\c');
const unescape = (v: string) => v.replace(/\\(.)/g, (_, c: string) => ({ r: '\r', n: '\n', c: ':', '\\': '\\' })[c] ?? c);

/**
 * A raw STOMP 1.2 client over TCP (no library): enough for receipts, client-individual acks and
 * counting what a broker really delivered.
 */
export class StompTcp {
  private buffer = Buffer.alloc(0);
  private readonly receipts = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  private connected?: { resolve: (f: StompFrame) => void; reject: (e: Error) => void };
  private nextReceipt = 0;
  onMessage: (f: StompFrame) => void = () => undefined;
  onError: (f: StompFrame) => void = () => undefined;
  closed = false;
  /** The broker's CONNECTED headers (`server` names the broker and its version). */
  connectedHeaders: Record<string, string> = {};
  readonly done: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.read(d));
    this.done = new Promise((resolve) => {
      socket.on('close', () => {
        this.closed = true;
        const err = new Error('connection closed');
        this.connected?.reject(err);
        for (const r of this.receipts.values()) r.reject(err);
        this.receipts.clear();
        resolve();
      });
    });
    socket.on('error', () => undefined);
  }

  /** Opens TCP (or TLS, trusting `tls.ca`) and sends CONNECT; resolves on CONNECTED, rejects on ERROR (e.g. a wrong password) or a closed socket. */
  static async open(
    host: string, port: number, login: string, passcode: string, timeoutMs = 5_000, tls?: { ca: Buffer | string; servername?: string },
    /** The CONNECT frame's host header (RabbitMQ's virtual host). */
    virtualHost = 'localhost',
  ): Promise<StompTcp> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = tls
        ? tlsConnect({ host, port, ca: tls.ca, servername: tls.servername ?? 'localhost' }, () => resolve(s))
        : connect({ host, port }, () => resolve(s));
      s.once('error', reject);
    });
    const client = new StompTcp(socket);
    const frame = new Promise<StompFrame>((resolve, reject) => {
      client.connected = { resolve, reject };
      setTimeout(() => reject(new Error('no CONNECTED within timeout')), timeoutMs).unref();
    });
    client.write('CONNECT', { 'accept-version': '1.2', host: virtualHost, login, passcode, 'heart-beat': '0,0' });
    try {
      client.connectedHeaders = (await frame).headers;
    } catch (err) {
      socket.destroy();
      throw err;
    }
    return client;
  }

  private write(command: string, headers: Record<string, string>, body = ''): void {
    if (this.closed) throw new Error('connection closed');
    const head = Object.entries(headers).map(([k, v]) => `${escape(k)}:${command === 'CONNECT' ? v : escape(v)}`).join('\n');
    this.socket.write(`${command}\n${head}\n\n${body}\0`);
  }

  private read(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data]);
    for (;;) {
      while (this.buffer.length && (this.buffer[0] === 0x0a || this.buffer[0] === 0x0d)) this.buffer = this.buffer.subarray(1); // heart-beats
      const end = this.buffer.indexOf(0);
      if (end < 0) return;
      const text = this.buffer.subarray(0, end).toString('utf8');
      this.buffer = this.buffer.subarray(end + 1);
      const split = text.indexOf('\n\n');
      const [command, ...lines] = (split < 0 ? text : text.slice(0, split)).split('\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        if (i > 0 && !(unescape(l.slice(0, i)) in headers)) headers[unescape(l.slice(0, i))] = command === 'CONNECTED' ? l.slice(i + 1) : unescape(l.slice(i + 1));
      }
      this.dispatch({ command: command.replace(/\r$/, ''), headers, body: split < 0 ? '' : text.slice(split + 2) });
    }
  }

  private dispatch(f: StompFrame): void {
    if (f.command === 'CONNECTED') this.connected?.resolve(f);
    else if (f.command === 'RECEIPT') {
      const id = f.headers['receipt-id'];
      this.receipts.get(id)?.resolve();
      this.receipts.delete(id);
    } else if (f.command === 'MESSAGE') this.onMessage(f);
    else if (f.command === 'ERROR') {
      this.connected?.reject(new Error(`STOMP ERROR: ${f.headers.message ?? f.body}`));
      this.onError(f);
    }
  }

  /** SEND with a receipt: resolves once the broker has taken (for a persistent message: stored) it. */
  send(destination: string, body: string, headers: Record<string, string> = {}): Promise<void> {
    const receipt = `r${this.nextReceipt++}`;
    const p = new Promise<void>((resolve, reject) => this.receipts.set(receipt, { resolve, reject }));
    this.write('SEND', { destination, 'content-type': 'text/plain', ...headers, receipt }, body);
    return p;
  }

  subscribe(destination: string, id: string, ack: 'auto' | 'client-individual' = 'auto', headers: Record<string, string> = {}): void {
    this.write('SUBSCRIBE', { destination, id, ack, ...headers });
  }

  /** SUBSCRIBE with a receipt: resolves once the broker has registered the subscription (no race with a send). */
  subscribeSync(destination: string, id: string, ack: 'auto' | 'client-individual' = 'auto', headers: Record<string, string> = {}): Promise<void> {
    const receipt = `r${this.nextReceipt++}`;
    const p = new Promise<void>((resolve, reject) => this.receipts.set(receipt, { resolve, reject }));
    this.write('SUBSCRIBE', { destination, id, ack, ...headers, receipt });
    return p;
  }

  ack(frame: StompFrame): void {
    this.write('ACK', { id: frame.headers.ack });
  }

  /** ACK with a receipt: resolves once the broker has processed it. */
  ackWithReceipt(frame: StompFrame): Promise<void> {
    const receipt = `r${this.nextReceipt++}`;
    const p = new Promise<void>((resolve, reject) => this.receipts.set(receipt, { resolve, reject }));
    this.write('ACK', { id: frame.headers.ack, receipt });
    return p;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      const receipt = `r${this.nextReceipt++}`;
      const p = new Promise<void>((resolve, reject) => this.receipts.set(receipt, { resolve, reject }));
      this.write('DISCONNECT', { receipt });
      await Promise.race([p, new Promise((r) => setTimeout(r, 1_000))]);
    } catch {
      /* already gone */
    }
    this.socket.destroy();
    await this.done;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
