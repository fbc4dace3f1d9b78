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
import { durableWrite, duplicateClient, scanStandalone, type LuaRunner, type RedisClient } from '@wharf/redis-lua';
import { parseTask, taskFields } from './move-task-hash';
import { sqsScripts } from './scripts';
import { Subscriber } from './subscriber';

export interface RedisStoreOptions {
  /** A client made by service-kit's createRedisClient (standalone or cluster, with its replica policy). */
  client?: RedisClient;
  /** Else a standalone Redis at this ioredis URL, e.g. redis://127.0.0.1:6380 */
  url?: string;
  redis?: RedisOptions;
  /** Prefix of every key: lets several deployments or test runs share one Redis. */
  keyPrefix?: string;
  /** How long a staged cross-queue move belongs to the process that staged it before others finish it. */
  moveLeaseMs?: number;
}

type Run = LuaRunner<keyof typeof sqsScripts.sources>;

/** A message staged for a move to another queue (lua/lib.lua): move id, meta line, payload. */
export interface StagedMove {
  mid: string;
  meta: string;
  payload: string;
}

// Past 300 lines on purpose: the whole SqsStore port on Redis, one short method per operation, and the
// cross-queue move steps beside the operations that start them.

/**
 * SqsStore on Redis (standalone or Cluster): one Lua script per change of one queue, whose keys share one
 * hash slot. What spans queues is a sequence of single-slot steps: cross-queue moves (stage → move_in →
 * move_out, lib.lua), and the global indexes (queues per account, sources with a move task) in one slot of
 * their own, written after the queue on create and before it on delete.
 */
export class RedisStore implements SqsStore {
  readonly redis: RedisClient;
  readonly prefix: string;
  protected readonly run: Run;
  private readonly subscriber: Subscriber;
  private readonly moveLeaseMs: number;

  constructor(options: RedisStoreOptions = {}) {
    this.prefix = options.keyPrefix ?? 'wharf:sqs:';
    this.moveLeaseMs = options.moveLeaseMs ?? 10_000;
    const redisOptions: RedisOptions = { enableAutoPipelining: true, ...options.redis };
    this.redis = options.client ?? (options.url ? new Redis(options.url, redisOptions) : new Redis(redisOptions));
    this.run = sqsScripts.define(this.redis);
    // No ready check on the subscriber: its INFO would follow a SUBSCRIBE sent while connecting and be
    // refused ("Connection in subscriber mode"), failing the first long polls of the process.
    this.subscriber = new Subscriber(() => duplicateClient(this.redis, { enableReadyCheck: false, enableAutoPipelining: false }));
  }

  /** `<prefix>{<account>/<name>}:` — the hash tag keeps a queue's keys on one slot. */
  base(q: QueueRef): string {
    return `${this.prefix}{${q.account}/${q.name}}:`;
  }
  /** The global indexes share one slot of their own: `<prefix>{sqs-index}:…`. */
  private globalKey(name: string): string {
    return `${this.prefix}{sqs-index}:${name}`;
  }
  private indexKey(account: string): string {
    return this.globalKey(`queues:${account}`);
  }
  private activeTasksKey(): string {
    return this.globalKey('move-tasks:active');
  }
  /** Sources that staged cross-queue moves: the mover's recovery sweep looks at them. */
  private movingKey(): string {
    return this.globalKey('moving');
  }
  private refOf(member: string): QueueRef {
    const i = member.indexOf('/');
    return { account: member.slice(0, i), name: member.slice(i + 1) };
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
      // step 2, after the queue: a crash in between leaves a queue that is not listed yet (never a listed
      // queue that is not there); CreateQueue again (it answers 'exists') lists it.
      await durableWrite(this.redis, this.indexKey(ref.account), (p) => p.zadd(this.indexKey(ref.account), 0, ref.name));
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
    // unlisted first: a crash in between leaves a queue that works but is not listed; DeleteQueue again ends it
    await durableWrite(this.redis, this.indexKey(ref.account), (p) => p.zrem(this.indexKey(ref.account), ref.name));
    const res = await this.run('delete_queue', [this.base(ref)], [recreateBlockMs]);
    return res === 1;
  }

  private legacy?: Promise<void>;

  /**
   * Queue lists of the layout before Redis Cluster (`<prefix>queues:<account>`, `<prefix>move-tasks:active`)
   * merged into today's keys, once per process, on a standalone Redis (a cluster never had them).
   */
  private migrateLegacyIndex(): Promise<void> {
    this.legacy ??= (async () => {
      for (const old of await scanStandalone(this.redis, `${this.prefix}queues:*`)) {
        await this.redis.zunionstore(this.indexKey(old.slice(`${this.prefix}queues:`.length)), 2, this.indexKey(old.slice(`${this.prefix}queues:`.length)), old);
        await this.redis.del(old);
      }
      if (await this.redis.exists(`${this.prefix}move-tasks:active`)) {
        await this.redis.sunionstore(this.activeTasksKey(), this.activeTasksKey(), `${this.prefix}move-tasks:active`);
        await this.redis.del(`${this.prefix}move-tasks:active`);
      }
    })().catch((err: unknown) => {
      this.legacy = undefined; // tried again by the next call
      throw err;
    });
    return this.legacy;
  }

  async listQueues(account: string, prefix: string, after: string | undefined, limit: number) {
    await this.migrateLegacyIndex();
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
      this.moveLeaseMs,
    ])) as string[];
    if (res[0] === 'nonexistent') return { kind: 'nonexistent' };
    if (res[0] === 'overlimit') return { kind: 'overlimit' };
    const [moves, first] = stagedMoves(res, 2);
    // dead-letter moves (and stale ones of this queue) are finished before the answer
    if (moves.length) await this.finishMoves(ref, moves, nowMs);
    const messages: StoredMessage[] = [];
    for (let i = first; i < res.length; i += 9) {
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
    const source = `${t.source.account}/${t.source.name}`;
    const res = (await this.run('move_task', [this.base(t.source)], ['start', t.taskId, source, ...taskFields(t)])) as 'ok' | 'active';
    // step 2 either way: a retry after a crash between the steps lists the running task for the movers
    await durableWrite(this.redis, this.activeTasksKey(), (p) => p.sadd(this.activeTasksKey(), source));
    return res;
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
    const member = `${source.account}/${source.name}`;
    const res = await this.run('move_task', [this.base(source)], ['update', taskId, member, ...taskFields(change)]);
    if (res === 'running') return;
    await durableWrite(this.redis, this.activeTasksKey(), (p) => p.srem(this.activeTasksKey(), member));
    // a task may have started between the two steps: keep its source listed
    if ((await this.run('move_task', [this.base(source)], ['running'])) === 1) {
      await durableWrite(this.redis, this.activeTasksKey(), (p) => p.sadd(this.activeTasksKey(), member));
    }
  }

  async activeMoveSources(): Promise<QueueRef[]> {
    await this.migrateLegacyIndex();
    return (await this.redis.smembers(this.activeTasksKey())).map((m) => this.refOf(m));
  }

  async leaseMoveTask(source: QueueRef, owner: string, ttlMs: number): Promise<boolean> {
    const r = await this.run('move_task', [this.base(source)], ['lease', owner, ttlMs]);
    return r === 1;
  }

  async moveMessages(source: QueueRef, destination: QueueRef | undefined, max: number, nowMs: number): Promise<MoveOutcome> {
    const r = (await this.run('move_messages', [this.base(source)], [
      nowMs,
      max,
      destination ? this.base(destination) : '',
      this.prefix,
      randomBytes(9).toString('base64url'),
      this.moveLeaseMs,
    ])) as (string | number)[];
    if (r[0] === 'failed') return { kind: 'failed', reason: String(r[1]) };
    const [moves] = stagedMoves(r as string[], 3);
    const { moved, missing } = await this.finishMoves(source, moves, nowMs);
    if (missing) return { kind: 'failed', reason: 'AWS.SimpleQueueService.NonExistentQueue' };
    // the script counted this call's staged moves as remaining; those finished here are not
    return { kind: 'ok', moved, remaining: Number(r[2]) - moved };
  }

  // ---- cross-queue moves (lua/lib.lua) --------------------------------------------------------------

  /**
   * Steps 2 and 3 of staged moves out of `source`: into each target (once per move id), then out of the
   * source's outbox (or back into the source when the target is gone). Returns how many reached a target.
   */
  protected async finishMoves(source: QueueRef, moves: StagedMove[], nowMs: number): Promise<{ moved: number; missing: boolean }> {
    const sourceBase = this.base(source);
    const byTarget = new Map<string, StagedMove[]>();
    for (const m of moves) {
      const target = m.meta.slice(0, m.meta.indexOf('\n'));
      byTarget.set(target, [...(byTarget.get(target) ?? []), m]);
    }
    const member = `${source.account}/${source.name}`;
    // listed for the mover's sweep while the steps run (beside step 2, so no extra wait)
    const [outcomes] = await Promise.all([
      Promise.all([...byTarget].map(([target, list]) => this.moveIn(target, sourceBase, list, nowMs))),
      this.redis.sadd(this.movingKey(), member),
    ]);
    const ends: string[] = [];
    let moved = 0;
    let missing = false;
    [...byTarget.values()].forEach((list, t) =>
      list.forEach((m, i) => {
        const outcome = outcomes[t][i];
        if (outcome === 'nonexistent') missing = true;
        else moved++;
        ends.push(m.mid, outcome === 'nonexistent' ? 'restore' : 'done');
      }),
    );
    await this.moveOut(source, ends, nowMs);
    return { moved, missing };
  }

  /** Step 2: the staged messages into the target queue `targetBase`; one outcome per move. */
  protected async moveIn(targetBase: string, sourceBase: string, list: StagedMove[], nowMs: number): Promise<string[]> {
    return (await this.run('move_in', [targetBase], [nowMs, sourceBase, list.length, ...list.flatMap((m) => [m.mid, m.meta, m.payload])])) as string[];
  }

  /** Step 3: drops (or restores) the outbox entries; answers how many moves stay staged in the source. */
  protected async moveOut(source: QueueRef, ends: string[], nowMs: number): Promise<unknown> {
    return this.run('move_out', [this.base(source)], [nowMs, ends.length / 2, ...ends]);
  }

  /**
   * Finishes the moves that processes left half done (their lease ended), for every source listed as
   * moving; the mover calls it on each pass. A source with nothing staged any more leaves the list.
   */
  async recoverMoves(nowMs: number): Promise<number> {
    let finished = 0;
    for (const member of await this.redis.smembers(this.movingKey())) {
      const source = this.refOf(member);
      const r = (await this.run('move_claim', [this.base(source)], [nowMs, this.moveLeaseMs, 100])) as string[];
      const [moves] = stagedMoves(r, 1);
      if (moves.length) {
        finished += (await this.finishMoves(source, moves, nowMs)).moved;
      } else if (Number(r[0]) === 0) {
        // unlisted, then looked at again: a move staged in between lists the source back
        await this.redis.srem(this.movingKey(), member);
        const again = (await this.run('move_claim', [this.base(source)], [nowMs, this.moveLeaseMs, 0])) as string[];
        if (Number(again[0]) > 0) await this.redis.sadd(this.movingKey(), member);
      }
    }
    return finished;
  }

  // ---- long polling --------------------------------------------------------------------------------

  subscribe(ref: QueueRef): Promise<Subscription> {
    return this.subscriber.subscribe(`${this.base(ref)}notify`);
  }
}

/** The staged moves of a script's answer: their count at `at`, then three fields each; and where the rest starts. */
function stagedMoves(res: (string | number)[], at: number): [StagedMove[], number] {
  const n = Number(res[at]);
  const moves: StagedMove[] = [];
  for (let i = 0; i < n; i++) {
    const o = at + 1 + i * 3;
    moves.push({ mid: String(res[o]), meta: String(res[o + 1]), payload: String(res[o + 2]) });
  }
  return [moves, at + 1 + n * 3];
}
