import type { RedisClient } from '@wharf/redis-lua';
import type { Subscription } from '@wharf/sqs-engine';

interface Listener {
  signaled: boolean;
  wake?: () => void;
}

/**
 * One subscriber connection per process; channels are subscribed while someone waits on them and for
 * a minute after (so back-to-back long polls do not pay a SUBSCRIBE each).
 */
export class Subscriber {
  private conn?: RedisClient;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly subscribed = new Map<string, Promise<unknown>>();
  private readonly idleSince = new Map<string, number>();
  private sweep?: NodeJS.Timeout;

  constructor(private readonly connect: () => RedisClient) {}

  private connection(): RedisClient {
    if (!this.conn) {
      this.conn = this.connect();
      this.conn.on('message', (channel: string) => {
        for (const l of this.listeners.get(channel) ?? []) {
          l.signaled = true;
          const w = l.wake;
          l.wake = undefined;
          w?.();
        }
      });
      this.sweep = setInterval(() => void this.unsubscribeIdle(), 30_000);
      this.sweep.unref();
    }
    return this.conn;
  }

  async subscribe(channel: string): Promise<Subscription> {
    const conn = this.connection();
    const set = this.listeners.get(channel) ?? new Set<Listener>();
    this.listeners.set(channel, set);
    const listener: Listener = { signaled: false };
    set.add(listener);
    this.idleSince.delete(channel);
    let ready = this.subscribed.get(channel);
    if (!ready) {
      ready = conn.subscribe(channel);
      this.subscribed.set(channel, ready);
      ready.catch(() => this.subscribed.delete(channel));
    }
    await ready;
    return {
      reset: () => {
        listener.signaled = false;
      },
      next: () =>
        listener.signaled
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              listener.wake = resolve;
            }),
      close: () => {
        set.delete(listener);
        listener.wake?.();
        if (set.size === 0) this.idleSince.set(channel, Date.now());
      },
    };
  }

  private async unsubscribeIdle(): Promise<void> {
    const cutoff = Date.now() - 60_000;
    for (const [channel, since] of this.idleSince) {
      if (since > cutoff || (this.listeners.get(channel)?.size ?? 0) > 0) continue;
      this.idleSince.delete(channel);
      this.listeners.delete(channel);
      this.subscribed.delete(channel);
      await this.conn?.unsubscribe(channel).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    if (this.sweep) clearInterval(this.sweep);
    this.conn?.disconnect();
    this.conn = undefined;
  }
}
