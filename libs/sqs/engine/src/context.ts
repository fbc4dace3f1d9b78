import { type Caller, type Clock, type EngineLogger, silentLogger, systemClock } from '@wharf/engine-kit';
import { Errors } from './errors';
import { Limits } from './limits';
import { MoveTaskMover } from './move-task-mover';
import { type QueueRef, queueKey, queueUrl } from './names';
import type { QueueRecord, SqsStore } from './ports';

export interface SqsOptions {
  clock?: Clock;
  logger?: EngineLogger;
  /** Base of queue URLs (SQS_PUBLIC_URL); unset → the origin the request came to (`Caller.origin`). */
  publicUrl?: string;
  /** How long a queue's attributes may be served from memory (AWS: changes take up to 60 s). */
  metaCacheMs?: number;
  deleteRecreateMs?: number;
  purgeWindowMs?: number;
  inflightLimitStandard?: number;
  inflightLimitFifo?: number;
}

/**
 * What every SQS operation receives: the store (Redis in production), the clock, the settings, this
 * process' short cache of queue attributes, and the move-task mover.
 */
export class SqsContext {
  readonly clock: Clock;
  readonly publicUrl?: string;
  readonly metaCacheMs: number;
  readonly deleteRecreateMs: number;
  readonly purgeWindowMs: number;
  readonly inflightLimitStandard: number;
  readonly inflightLimitFifo: number;
  readonly mover: MoveTaskMover;
  private readonly cache = new Map<string, { rec: QueueRecord; at: number }>();

  constructor(
    readonly store: SqsStore,
    options: SqsOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.publicUrl = options.publicUrl;
    this.metaCacheMs = options.metaCacheMs ?? 1_000;
    this.deleteRecreateMs = options.deleteRecreateMs ?? Limits.deleteRecreateMs;
    this.purgeWindowMs = options.purgeWindowMs ?? Limits.purgeWindowMs;
    this.inflightLimitStandard = options.inflightLimitStandard ?? Limits.inflightStandard;
    this.inflightLimitFifo = options.inflightLimitFifo ?? Limits.inflightFifo;
    this.mover = new MoveTaskMover(store, this.clock, options.logger ?? silentLogger);
  }

  /** The queue, from the short cache unless `fresh`; throws QueueDoesNotExist. */
  async queue(ref: QueueRef, fresh = false): Promise<QueueRecord> {
    const rec = await this.findQueue(ref, fresh);
    if (!rec) throw Errors.queueDoesNotExist();
    return rec;
  }

  async findQueue(ref: QueueRef, fresh = false): Promise<QueueRecord | undefined> {
    const key = queueKey(ref);
    const hit = this.cache.get(key);
    const now = this.clock.now();
    if (!fresh && hit && now - hit.at < this.metaCacheMs) return hit.rec;
    const rec = await this.store.getQueue(ref);
    if (rec) this.cache.set(key, { rec, at: now });
    else this.cache.delete(key);
    if (this.cache.size > 10_000) this.cache.clear();
    return rec;
  }

  /** Drops a queue from the cache (after a change, or when the store says it is gone). */
  forget(ref: QueueRef): void {
    this.cache.delete(queueKey(ref));
  }

  /** The queue's URL as this caller should see it. */
  urlOf(caller: Caller, ref: QueueRef): string {
    return queueUrl(this.publicUrl ?? caller.origin ?? '', ref);
  }
}
