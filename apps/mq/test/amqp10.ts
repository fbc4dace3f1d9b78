import rhea, { type Connection, type EventContext } from 'rhea';

/** Opens an AMQP 1.0 connection (SASL PLAIN); rejects on a refused login. */
export function amqpConnect(host: string, port: number, username: string, password: string, tls?: { ca: string }): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const container = rhea.create_container();
    const conn = container.connect({
      host, port, username, password, reconnect: false, idle_time_out: 0,
      ...(tls ? { transport: 'tls' as const, ca: tls.ca, servername: 'localhost' } : {}),
    });
    conn.once('connection_open', () => resolve(conn));
    const fail = (ctx: EventContext) => reject(new Error(`AMQP connection failed: ${String(ctx.error ?? ctx.connection.error ?? 'disconnected')}`));
    conn.once('connection_error', fail);
    conn.once('disconnected', fail);
    conn.on('error', () => undefined);
  });
}

/** Sends durable messages and resolves when every one is accepted. */
export function amqpSend(conn: Connection, address: string, bodies: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const sender = conn.open_sender({ target: { address } });
    let accepted = 0;
    let sent = 0;
    sender.on('sendable', () => {
      while (sent < bodies.length && sender.sendable()) sender.send({ body: bodies[sent++], durable: true });
    });
    sender.on('accepted', () => {
      if (++accepted === bodies.length) {
        sender.close();
        resolve();
      }
    });
    sender.on('rejected', (ctx: EventContext) => reject(new Error(`rejected: ${String(ctx.delivery?.remote_state)}`)));
  });
}

/** A body as text: AMQP value strings, or data sections (what MQTT/OpenWire bytes arrive as). */
function bodyText(body: unknown): string {
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  const content = (body as { content?: unknown } | undefined)?.content;
  if (Buffer.isBuffer(content)) return content.toString('utf8');
  return String(body);
}

/** Opens a receiver and collects `count` message bodies. */
export function amqpReceive(conn: Connection, address: string, count: number, timeoutMs = 10_000): { ready: Promise<void>; messages: Promise<string[]> } {
  const receiver = conn.open_receiver({ source: { address } });
  const ready = new Promise<void>((resolve) => receiver.once('receiver_open', () => resolve()));
  const messages = new Promise<string[]>((resolve, reject) => {
    const got: string[] = [];
    const timer = setTimeout(() => reject(new Error(`got ${got.length}/${count} on ${address}`)), timeoutMs);
    receiver.on('message', (ctx: EventContext) => {
      got.push(bodyText(ctx.message?.body));
      if (got.length === count) {
        clearTimeout(timer);
        receiver.close();
        resolve(got);
      }
    });
  });
  return { ready, messages };
}
