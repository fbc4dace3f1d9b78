import { randomBytes } from 'node:crypto';
import Redis, { type RedisOptions } from 'ioredis';
import type {
  DeleteOutcome,
  HandleRef,
  MoveOutcome,
  MoveTaskRecord,
  QueueRecord,
  QueueRef,
  ReceiveOptions,
  ReceiveOutcome,
  SendEntry,
  SendOutcome,
  SqsStore,
  StoredMessage,
  Subscription,
  VisibilityOutcome,
} from '@wharf/sqs-engine';
import type { LuaRunner } from '@wharf/redis-lua';
import { parseTask, taskFields } from './move-task-hash';
import { sqsScripts } from './scripts';
import { Subscriber } from './subscriber';

export interface RedisStoreOptions {
  /** ioredis connection URL, e.g. redis://127.0.0.1:6380 */
  url?: string;
  redis?: RedisOptions;
  /** Prefix of every key: lets several deployments or test runs share one Redis. */
  keyPrefix?: string;
}

/** SqsStore on Redis: one Lua script per multi-step change; a queue's keys share one hash slot. */
export class RedisStore implements SqsStore {
  readonly redis: Redis;
  readonly prefix: string;
  private readonly run: LuaRunner<keyof typeof sqsScripts.sources>;
  private readonly subscriber: Subscriber;

  constructor(options: RedisStoreOptions = {}) {
    this.prefix = options.keyPrefix ?? 'wharf:sqs:';
    const redisOptions: RedisOptions = { enableAutoPipelining: true, ...options.redis };
    this.redis = options.url ? new Redis(options.url, redisOptions) : new Redis(redisOptions);
    this.run = sqsScripts.define(this.redis);
    // No ready check on the subscriber: its INFO would follow a SUBSCRIBE sent while connecting and be
    // refused ("Connection in subscriber mode"), failing the first long polls of the process.
    this.subscriber = new Subscriber(() => this.redis.duplicate({ enableReadyCheck: false, enableAutoPipelining: false }));
  }

  /** `<prefix>{<account>/<name>}:` — the hash tag keeps a queue's keys on one slot. */
  base(q: QueueRef): string {
    return `${this.prefix}{${q.account}/${q.name}}:`;
  }
  private indexKey(account: string): string {
    return `${this.prefix}queues:${account}`;
  }
  private activeTasksKey(): string {
    return `${this.prefix}move-tasks:active`;
  }

  async ping(): Promise<boolean> {
    return (await this.redis.ping()) === 'PONG';
  }

  async close(): Promise<void> {
    await this.subscriber.close();
    this.redis.disconnect();
  }

  // ---- queues ---------------------------------------------------------------------------------------

  async createQueue(
    ref: QueueRef,
    attributes: Record<string, string>,
    compare: Record<string, string>,
    tags: Record<string, string>,
    nowMs: number,
    _recreateBlockMs: number,
  ) {
    const flat = (o: Record<string, string>) => [Object.keys(o).length, ...Object.entries(o).flat()];
    const res = (await this.run('create_queue', [this.base(ref)], [
      nowMs,
      randomBytes(6).toString('hex'),
      ...flat(attributes),
      ...flat(compare),
      ...flat(tags),
    ])) as string[];
    if (res[0] === 'created' || res[0] === 'exists') {
      await this.redis.zadd(this.indexKey(ref.account), 0, ref.name);
      return { kind: res[0] as 'created' | 'exists' };
    }
    if (res[0] === 'mismatch') return { kind: 'mismatch' as const, attribute: res[1] };
    return { kind: 'deletedRecently' as const };
  }

  async getQueue(ref: QueueRef): Promise<QueueRecord | undefined> {
    const meta = await this.redis.hgetall(`${this.base(ref)}meta`);
    if (!meta._created) return undefined;
    const attributes: Record<string, string> = {};
    for (const [k, v] of Object.entries(meta)) if (!k.startsWith('_')) attributes[k] = v;
    return {
      ref,
      fifo: meta.FifoQueue === 'true',
      attributes,
      createdMs: Number(meta._created),
      modifiedMs: Number(meta._modified),
    };
  }

  async setAttributes(ref: QueueRef, attributes: Record<string, string>, remove: string[], nowMs: number) {
    const res = await this.run('set_attributes', [this.base(ref)], [
      nowMs,
      Object.keys(attributes).length,
      ...Object.entries(attributes).flat(),
      ...remove,
    ]);
    return res === 1;
  }

  async deleteQueue(ref: QueueRef, _nowMs: number, recreateBlockMs: number) {
    const res = await this.run('delete_queue', [this.base(ref)], [recreateBlockMs]);
    await this.redis.zrem(this.indexKey(ref.account), ref.name);
    return res === 1;
  }

  async listQueues(account: string, prefix: string, after: string | undefined, limit: number) {
    const min = after !== undefined && after >= prefix ? `(${after}` : `[${prefix}`;
    const max = prefix ? `[${prefix}\xff` : '+';
    return this.redis.zrangebylex(this.indexKey(account), min, max, 'LIMIT', 0, limit);
  }

  async counts(ref: QueueRef, nowMs: number) {
    const r = (await this.run('counts', [this.base(ref)], [nowMs])) as number[];
    return { visible: r[0] ?? 0, notVisible: r[1] ?? 0, delayed: r[2] ?? 0 };
  }

  async getTags(ref: QueueRef) {
    const b = this.base(ref);
    const [[, exists], [, tags]] = (await this.redis.multi().hexists(`${b}meta`, '_created').hgetall(`${b}tags`).exec()) as [
      [unknown, number],
      [unknown, Record<string, string>],
    ];
    return exists ? tags : undefined;
  }

  async setTags(ref: QueueRef, tags: Record<string, string>, remove: string[]) {
    const res = await this.run('set_tags', [this.base(ref)], [Object.keys(tags).length, ...Object.entries(tags).flat(), ...remove]);
    return res === 1;
  }

  // ---- messages -------------------------------------------------------------------------------------

  async send(ref: QueueRef, entries: SendEntry[], nowMs: number): Promise<SendOutcome[] | undefined> {
    const args: (string | number)[] = [nowMs, entries.length];
    for (const e of entries) args.push(e.id, e.payload, e.delayMs, e.groupId ?? '', e.dedupId ?? '');
    const res = (await this.run('send', [this.base(ref)], args)) as (string | number)[];
    if (res[0] !== 'ok') return undefined;
    const out: SendOutcome[] = [];
    for (let i = 1; i < res.length; i += 3) {
      out.push({ id: String(res[i]), sequenceNumber: res[i + 1] ? String(res[i + 1]) : undefined, duplicate: res[i + 2] === 1 });
    }
    return out;
  }

  async receive(ref: QueueRef, o: ReceiveOptions, nowMs: number): Promise<ReceiveOutcome> {
    const res = (await this.run('receive', [this.base(ref)], [
      nowMs,
      o.max,
      o.visibilityMs,
      o.inflightLimit,
      o.attemptId ?? '',
      o.attemptTtlMs,
      o.maxReceiveCount ?? 0,
      o.dlq ? this.base(o.dlq) : '',
      o.sourceArn ?? '',
      randomBytes(9).toString('base64url'),
    ])) as string[];
    if (res[0] === 'nonexistent') return { kind: 'nonexistent' };
    if (res[0] === 'overlimit') return { kind: 'overlimit' };
    const messages: StoredMessage[] = [];
    for (let i = 2; i < res.length; i += 9) {
      messages.push({
        id: res[i],
        payload: res[i + 1],
        receiveCount: Number(res[i + 2]),
        firstReceiveMs: Number(res[i + 3]),
        token: res[i + 4],
        sentMs: res[i + 5] ? Number(res[i + 5]) : undefined,
        sequenceNumber: res[i + 6] || undefined,
        groupId: res[i + 7] || undefined,
        deadLetterSourceArn: res[i + 8] || undefined,
      });
    }
    return { kind: 'ok', messages, nextAt: res[1] ? Number(res[1]) : undefined };
  }

  async delete(ref: QueueRef, handles: HandleRef[], nowMs: number): Promise<DeleteOutcome[] | undefined> {
    const res = (await this.run('delete', [this.base(ref)], [nowMs, handles.length, ...handles.flatMap((h) => [h.id, h.token])])) as string[];
    return res[0] === 'ok' ? (res.slice(1) as DeleteOutcome[]) : undefined;
  }

  async changeVisibility(
    ref: QueueRef,
    entries: (HandleRef & { visibilityMs: number })[],
    nowMs: number,
    maxTotalMs: number,
  ): Promise<VisibilityOutcome[] | undefined> {
    const res = (await this.run('change_visibility', [this.base(ref)], [
      nowMs,
      maxTotalMs,
      entries.length,
      ...entries.flatMap((e) => [e.id, e.token, e.visibilityMs]),
    ])) as string[];
    return res[0] === 'ok' ? (res.slice(1) as VisibilityOutcome[]) : undefined;
  }

  async purge(ref: QueueRef, nowMs: number, windowMs: number) {
    return (await this.run('purge', [this.base(ref)], [nowMs, windowMs])) as 'ok' | 'inProgress' | 'nonexistent';
  }

  // ---- message move tasks -------------------------------------------------------------------------

  async startMoveTask(t: MoveTaskRecord): Promise<'ok' | 'active'> {
    return (await this.run('move_task', [this.base(t.source), this.activeTasksKey()], [
      'start',
      t.taskId,
      `${t.source.account}/${t.source.name}`,
      ...taskFields(t),
    ])) as 'ok' | 'active';
  }

  async getMoveTask(source: QueueRef, taskId: string): Promise<MoveTaskRecord | undefined> {
    const h = await this.redis.hgetall(`${this.base(source)}mt:${taskId}`);
    return h.taskId ? parseTask(h, source) : undefined;
  }

  async listMoveTasks(source: QueueRef, max: number): Promise<MoveTaskRecord[]> {
    const ids = await this.redis.lrange(`${this.base(source)}mtl`, 0, max - 1);
    const out: MoveTaskRecord[] = [];
    for (const id of ids) {
      const t = await this.getMoveTask(source, id);
      if (t) out.push(t);
    }
    return out;
  }

  async updateMoveTask(source: QueueRef, taskId: string, change: Partial<MoveTaskRecord>): Promise<void> {
    await this.run('move_task', [this.base(source), this.activeTasksKey()], [
      'update',
      taskId,
      `${source.account}/${source.name}`,
      ...taskFields(change),
    ]);
  }

  async activeMoveSources(): Promise<QueueRef[]> {
    const members = await this.redis.smembers(this.activeTasksKey());
    return members.map((m) => {
      const i = m.indexOf('/');
      return { account: m.slice(0, i), name: m.slice(i + 1) };
    });
  }

  async leaseMoveTask(source: QueueRef, owner: string, ttlMs: number): Promise<boolean> {
    const r = await this.run('move_task', [this.base(source), this.activeTasksKey()], ['lease', owner, ttlMs]);
    return r === 1;
  }

  async moveMessages(source: QueueRef, destination: QueueRef | undefined, max: number, nowMs: number): Promise<MoveOutcome> {
    const r = (await this.run('move_messages', [this.base(source)], [
      nowMs,
      max,
      destination ? this.base(destination) : '',
      this.prefix,
    ])) as (string | number)[];
    if (r[0] === 'failed') return { kind: 'failed', reason: String(r[1]) };
    return { kind: 'ok', moved: Number(r[1]), remaining: Number(r[2]) };
  }

  // ---- long polling --------------------------------------------------------------------------------

  subscribe(ref: QueueRef): Promise<Subscription> {
    return this.subscriber.subscribe(`${this.base(ref)}notify`);
  }
}
