import type { LuaRunner } from '@wharf/redis-lua';
import type { PeekedStored, QueueRef, SqsInspector } from '@wharf/sqs-engine';
import type { RedisStore } from './redis-store';
import { sqsScripts } from './scripts';

/** SqsInspector on the store's Redis: lua/inspect_stats.lua and lua/peek.lua, both read only. */
export class RedisInspector implements SqsInspector {
  private readonly run: LuaRunner<keyof typeof sqsScripts.sources>;

  constructor(private readonly store: RedisStore) {
    this.run = sqsScripts.define(store.redis);
  }

  async stats(ref: QueueRef, nowMs: number) {
    const r = (await this.run('inspect_stats', [this.store.base(ref)], [nowMs])) as number[];
    if (r.length === 0) return undefined;
    return {
      visible: r[0],
      notVisible: r[1],
      delayed: r[2],
      oldestSentMs: r[3] >= 0 ? r[3] : undefined,
      groupsInFlight: r[4] >= 0 ? r[4] : undefined,
    };
  }

  async peek(ref: QueueRef, nowMs: number, max: number): Promise<PeekedStored[] | undefined> {
    const r = (await this.run('peek', [this.store.base(ref)], [nowMs, max])) as string[];
    if (r[0] !== 'ok') return undefined;
    const out: PeekedStored[] = [];
    for (let i = 1; i < r.length; i += 5) {
      out.push({ id: r[i], payload: r[i + 1], state: r[i + 2] as PeekedStored['state'], receiveCount: Number(r[i + 3]), sequenceNumber: r[i + 4] || undefined });
    }
    return out;
  }
}
