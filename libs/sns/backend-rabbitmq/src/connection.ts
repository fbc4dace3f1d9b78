import { connect, type ChannelModel } from 'amqplib';

export interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const silent: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface AmqplibInternals {
  connection?: { stream?: { cork(): void; uncork(): void }; muxer?: { _readIncoming?: () => void } };
}

/**
 * amqplib's multiplexer writes every frame (a publish is three: method, header, body) with its own
 * `socket.write`, one syscall each; at a few thousand publishes a second those writes were ~30% of the sns
 * process' CPU. Corking the socket around one pass of the multiplexer sends everything queued in that pass
 * in one `writev`. Frame order and back-pressure (`write()` returning false, then 'drain') are unchanged.
 */
function coalesceFrameWrites(model: ChannelModel): void {
  const internals = (model as unknown as AmqplibInternals).connection;
  const stream = internals?.stream;
  const muxer = internals?.muxer;
  const readIncoming = muxer?._readIncoming;
  if (!stream || !muxer || typeof readIncoming !== 'function') return; // another amqplib: leave it as it is
  muxer._readIncoming = function corked(this: unknown) {
    stream.cork();
    try {
      readIncoming.call(this);
    } finally {
      stream.uncork();
    }
  };
}

/** `WHARF_AMQP_URL` as a list: one URL, or several (nodes of one cluster) separated by commas. */
export function parseAmqpUrls(urls: string | readonly string[]): string[] {
  const list = (typeof urls === 'string' ? urls.split(',') : [...urls]).map((u) => u.trim()).filter(Boolean);
  if (list.length === 0) throw new Error('no AMQP URL given');
  return list;
}

/**
 * One AMQP connection that comes back by itself: after a loss it reconnects with backoff and runs every
 * `onConnected` hook again (channels and consumers are rebuilt there). Given several URLs (nodes of one
 * cluster) it starts at the first and, after a loss, tries the next one first, round the list: the node that
 * just died is the last one tried.
 */
export class RabbitConnection {
  private model?: ChannelModel;
  private connecting?: Promise<ChannelModel>;
  private closing = false;
  private readonly hooks: ((model: ChannelModel) => Promise<void>)[] = [];
  private generationCounter = 0;
  private readonly urls: string[];
  /** Index in `urls` of the node tried next. */
  private next = 0;
  private connectedUrl?: string;

  constructor(urls: string | readonly string[], private readonly log: Log = silent) {
    this.urls = parseAmqpUrls(urls);
  }

  /** The node of the current connection, without credentials (undefined while disconnected). */
  get node(): string | undefined {
    if (!this.model || !this.connectedUrl) return undefined;
    const u = new URL(this.connectedUrl);
    return `${u.hostname}:${u.port || '5672'}`;
  }

  /** Increases with every new connection; channels remember the generation they belong to. */
  get generation(): number {
    return this.generationCounter;
  }

  get connected(): boolean {
    return this.model !== undefined;
  }

  onConnected(hook: (model: ChannelModel) => Promise<void>): void {
    this.hooks.push(hook);
  }

  async get(): Promise<ChannelModel> {
    if (this.model) return this.model;
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<ChannelModel> {
    let delay = 100;
    let failures = 0;
    for (;;) {
      if (this.closing) throw new Error('connection closed');
      const url = this.urls[this.next];
      this.next = (this.next + 1) % this.urls.length;
      try {
        const model = await connect(url, { timeout: 10_000, clientProperties: { connection_name: 'wharf-sns' } });
        coalesceFrameWrites(model);
        model.on('error', (err: Error) => this.log.warn({ err: err.message }, 'amqp connection error'));
        model.on('close', () => {
          if (this.model === model) this.model = undefined;
          if (!this.closing) {
            this.log.warn({}, 'amqp connection lost; reconnecting');
            void this.get().catch(() => undefined);
          }
        });
        this.model = model;
        this.connectedUrl = url;
        this.generationCounter++;
        for (const hook of this.hooks) {
          try {
            await hook(model);
          } catch (err) {
            this.log.error({ err: err instanceof Error ? err.message : String(err) }, 'amqp setup hook failed');
          }
        }
        return model;
      } catch (err) {
        if (this.closing) throw err;
        this.log.warn({ err: err instanceof Error ? err.message : String(err), node: new URL(url).host, retryInMs: delay }, 'amqp connect failed');
        // Another node at once; the backoff only after every node failed.
        if (++failures % this.urls.length === 0) {
          await new Promise((r) => setTimeout(r, delay));
          delay = Math.min(delay * 2, 5000);
        }
      }
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    const model = this.model;
    this.model = undefined;
    if (model) await model.close().catch(() => undefined);
  }
}
