// Over 300 lines on purpose: the public option and event types (~70 lines) and the one worker loop that ties
// leases, readers and checkpoints together; the parts with an idea of their own live beside it.
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { ListShardsCommand, type _Record, type KinesisClient, type Shard } from '@aws-sdk/client-kinesis';
import { balance, observe, type Observations } from './balancer';
import { systemClock, type Clock } from './clock';
import { registerConsumer } from './enhanced-consumer';
import { DEFAULT_FAN_OUT, FanOutReader, type FanOutOptions } from './fanout-reader';
import { SHARD_END, type Lease, type LeaseStore } from './lease';
import { DEFAULT_POLLING, PollingReader, type PollingOptions } from './polling-reader';
import { startingPosition, withTimeout, type InitialPosition, type ShardReader } from './reader';

/** One batch handed to the record processor, in shard order. */
export interface RecordBatch {
  shardId: string;
  records: _Record[];
  millisBehindLatest?: number;
  /**
   * Records progress: the batch's last record by default, or the given sequence (and sub-sequence). Throws
   * `LeaseLostError` when this worker no longer holds the shard (stop: another worker has it now).
   */
  checkpoint(sequence?: string, subSequence?: number): Promise<void>;
}

export interface ConsumerOptions {
  client: KinesisClient;
  streamName: string;
  leaseStore: LeaseStore;
  /** Called for each batch, one at a time per shard; the next read starts when it resolves (back-pressure). */
  processRecords: (batch: RecordBatch) => Promise<void> | void;
  /** Unique per process; defaults to host, pid and a random tag. */
  workerId?: string;
  /** Where a shard without a checkpoint starts. Default TRIM_HORIZON. */
  initialPosition?: InitialPosition;
  /** 'batch' (default): checkpoint after each processed batch; 'manual': only when the processor calls `checkpoint`. */
  checkpointing?: 'batch' | 'manual';
  /** 'polling' (default): GetRecords; 'fan-out': SubscribeToShard as the consumer `consumerName` (registered if missing). */
  mode?: 'polling' | 'fan-out';
  consumerName?: string;
  /** A lease not renewed for this long is taken over. Default 10 s. */
  leaseDurationMs?: number;
  /** Default a third of the lease duration. */
  renewIntervalMs?: number;
  /** How often leases are listed, balanced and taken. Default a fifth of the lease duration. */
  takeIntervalMs?: number;
  /** How often ListShards looks for new shards (children are also created as soon as a parent ends). Default 30 s. */
  shardSyncIntervalMs?: number;
  /** Wait after a failed processor call or read before trying again. Default 1 s. */
  retryDelayMs?: number;
  polling?: Partial<PollingOptions>;
  fanOut?: Partial<FanOutOptions>;
  clock?: Clock;
}

export interface LeaseEvent {
  shardId: string;
  workerId: string;
  /** When it happened, by the consumer's clock. */
  at: number;
  /** For taken/renewed: until when this worker may process the shard without renewing. */
  until?: number;
  counter?: number;
  /** For lost: 'expired' (not renewed in time) or 'taken' (another worker has it); for released: why. */
  reason?: 'expired' | 'taken' | 'handover' | 'finished' | 'shutdown' | 'error';
}

export interface ConsumerEvents {
  leaseTaken: [LeaseEvent];
  leaseRenewed: [LeaseEvent];
  leaseLost: [LeaseEvent];
  leaseReleased: [LeaseEvent];
  lag: [{ shardId: string; millisBehindLatest: number }];
  shardEnded: [{ shardId: string; children: string[] }];
  /** Failures the consumer retries by itself (reads, processor calls, store calls); emitted only if listened to. */
  error: [Error & { shardId?: string }];
}

export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

interface Held {
  lease: Lease;
  until: number;
  abort: AbortController;
  /** Settles when the shard's processing loop has stopped (then `ended` is true). */
  done: Promise<void>;
  ended: boolean;
  stopped: boolean;
  /** Set when it must go: the worker it is handed to, or '' to free it. */
  release?: { to: string; reason: 'handover' | 'finished' | 'shutdown' | 'error' };
}

/**
 * A Kinesis consumer with shard leases (the Kinesis Client Library's model): workers share a stream's shards
 * through leases in a store, each shard processed in order by one worker at a time, checkpointed as it goes.
 */
export class KinesisConsumer extends EventEmitter<ConsumerEvents> {
  readonly workerId: string;
  private readonly o: Required<Omit<ConsumerOptions, 'workerId' | 'consumerName' | 'polling' | 'fanOut'>> & { polling: PollingOptions; fanOut: FanOutOptions };
  private readonly held = new Map<string, Held>();
  private readonly observations: Observations = new Map();
  private streamShards?: Set<string>;
  private lastSync = -Infinity;
  private lastTake = -Infinity;
  private loop?: Promise<void>;
  private readonly stopping = new AbortController();
  private consumerARN?: string;

  constructor(private readonly options: ConsumerOptions) {
    super();
    const duration = options.leaseDurationMs ?? 10_000;
    this.workerId = options.workerId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.o = {
      initialPosition: { type: 'TRIM_HORIZON' },
      checkpointing: 'batch',
      mode: 'polling',
      leaseDurationMs: duration,
      renewIntervalMs: Math.floor(duration / 3),
      takeIntervalMs: Math.floor(duration / 5),
      shardSyncIntervalMs: 30_000,
      retryDelayMs: 1000,
      clock: systemClock,
      ...options,
      polling: { ...DEFAULT_POLLING, ...options.polling },
      fanOut: { ...DEFAULT_FAN_OUT, ...options.fanOut },
    };
  }

  /** Registers the fan-out consumer if needed and starts taking leases; returns once running. */
  async start(): Promise<void> {
    if (this.o.mode === 'fan-out') {
      if (!this.options.consumerName) throw new Error('fan-out needs a consumerName');
      this.consumerARN = await registerConsumer(this.o.client, this.o.streamName, this.options.consumerName, this.o.clock);
    }
    this.loop = this.run();
  }

  /** Stops every shard after its batch in flight, checkpoints (batch mode) and releases the leases. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    for (const h of this.held.values()) {
      h.release ??= { to: '', reason: 'shutdown' };
      h.abort.abort();
    }
    await Promise.all([...this.held.values()].map((h) => h.done));
    await this.settle();
  }

  /** Shards this worker processes now. */
  heldShards(): string[] {
    return [...this.held.values()].filter((h) => !h.stopped).map((h) => h.lease.shardId).sort();
  }

  private async run(): Promise<void> {
    const { clock } = this.o;
    let lastRenew = -Infinity;
    while (!this.stopping.signal.aborted) {
      try {
        await this.expire();
        await this.settle();
        if (clock.now() - lastRenew >= this.o.renewIntervalMs) {
          lastRenew = clock.now();
          await this.renewAll();
        }
        if (clock.now() - this.lastSync >= this.o.shardSyncIntervalMs) await this.syncShards();
        if (clock.now() - this.lastTake >= this.o.takeIntervalMs) await this.takeLeases();
      } catch (err) {
        this.fail(err as Error);
      }
      await clock.sleep(Math.min(this.o.renewIntervalMs, this.o.takeIntervalMs, 100), this.stopping.signal);
    }
  }

  /** A lease past its deadline is no longer ours to process, whatever the store says later. */
  private async expire(): Promise<void> {
    const now = this.o.clock.now();
    for (const h of this.held.values()) {
      if (!h.stopped && now >= h.until) this.lose(h, h.until, 'expired');
    }
  }

  /** Stops the shard; `at` is never past the deadline, after which this worker stopped counting it as its own. */
  private lose(h: Held, at: number, reason: 'expired' | 'taken'): void {
    h.stopped = true;
    h.abort.abort();
    this.emit('leaseLost', { shardId: h.lease.shardId, workerId: this.workerId, at: Math.min(at, h.until), reason });
  }

  /** Releases leases whose processing has stopped (finished, handed over) and forgets lost ones. */
  private async settle(): Promise<void> {
    for (const [shardId, h] of this.held) {
      if (!h.ended) continue;
      if (!h.stopped) {
        const release = h.release ?? { to: '', reason: 'error' }; // its loop died: free it for a fresh start
        const at = Math.min(this.o.clock.now(), h.until);
        h.stopped = true;
        if (await this.o.leaseStore.release(shardId, this.workerId, h.lease.counter, release.to || undefined)) {
          this.emit('leaseReleased', { shardId, workerId: this.workerId, at, reason: release.reason });
        } else {
          this.emit('leaseLost', { shardId, workerId: this.workerId, at, reason: 'taken' });
        }
      }
      this.held.delete(shardId);
    }
  }

  private async renewAll(): Promise<void> {
    await Promise.all(
      [...this.held.values()].filter((h) => !h.stopped).map(async (h) => {
        const sent = this.o.clock.now();
        const renewed = await this.o.leaseStore.renew(h.lease.shardId, this.workerId, h.lease.counter);
        if (h.stopped) return;
        if (!renewed) return this.lose(h, this.o.clock.now(), 'taken');
        if (this.o.clock.now() >= h.until) return this.lose(h, h.until, 'expired'); // renewed too late to count
        h.lease = renewed;
        h.until = sent + this.o.leaseDurationMs;
        this.emit('leaseRenewed', { shardId: h.lease.shardId, workerId: this.workerId, at: sent, until: h.until, counter: renewed.counter });
        if (renewed.requestedBy && !h.release) {
          h.release = { to: renewed.requestedBy, reason: 'handover' };
          h.abort.abort();
        }
      }),
    );
  }

  private async syncShards(): Promise<void> {
    // A failed sync is tried again after retryDelayMs, not on every 100 ms tick.
    this.lastSync = this.o.clock.now() - this.o.shardSyncIntervalMs + this.o.retryDelayMs;
    const shards: Shard[] = [];
    let token: string | undefined;
    do {
      const input = token ? { NextToken: token } : { StreamName: this.o.streamName };
      // Bounded: renewals wait behind this call in the same loop.
      const out = await withTimeout(this.o.clock, this.o.polling.requestTimeoutMs, this.stopping.signal, (abortSignal) =>
        this.o.client.send(new ListShardsCommand(input), { abortSignal }),
      );
      shards.push(...(out.Shards ?? []));
      token = out.NextToken;
    } while (token);
    this.lastSync = this.o.clock.now();
    this.streamShards = new Set(shards.map((s) => s.ShardId as string));
    const known = new Set((await this.o.leaseStore.list()).map((l) => l.shardId));
    for (const s of shards) {
      if (known.has(s.ShardId as string)) continue;
      const parents = [s.ParentShardId, s.AdjacentParentShardId].filter((p): p is string => !!p);
      // Starting at LATEST, a shard already closed holds nothing new: it counts as read.
      const closed = this.o.initialPosition.type === 'LATEST' && !!s.SequenceNumberRange?.EndingSequenceNumber;
      await this.o.leaseStore.create(s.ShardId as string, parents, closed ? SHARD_END : undefined);
    }
  }

  private async takeLeases(): Promise<void> {
    const leases = await this.o.leaseStore.list();
    const now = this.o.clock.now();
    this.lastTake = now;
    observe(this.observations, leases, now);
    const decision = balance({
      me: this.workerId,
      leases,
      held: new Set([...this.held.values()].filter((h) => !h.stopped).map((h) => h.lease.shardId)),
      observations: this.observations,
      now,
      leaseDurationMs: this.o.leaseDurationMs,
      streamShards: this.streamShards,
    });
    for (const lease of decision.take) {
      if (this.held.has(lease.shardId) || this.stopping.signal.aborted) continue; // its old loop is still draining
      const sent = this.o.clock.now();
      const taken = await this.o.leaseStore.take(lease.shardId, this.workerId, lease.counter);
      if (taken) this.begin(taken, sent + this.o.leaseDurationMs, sent);
    }
    if (decision.request) await this.o.leaseStore.requestHandover(decision.request.shardId, this.workerId, decision.request.owner as string);
  }

  private begin(lease: Lease, until: number, at: number): void {
    const abort = new AbortController();
    const h: Held = { lease, until, abort, stopped: false, ended: false, done: Promise.resolve() };
    this.held.set(lease.shardId, h);
    this.emit('leaseTaken', { shardId: lease.shardId, workerId: this.workerId, at, until, counter: lease.counter });
    h.done = this.process(h)
      .catch((err: Error) => this.fail(err, lease.shardId))
      .finally(() => {
        h.ended = true;
      });
  }

  /** The shard's loop: read, process, checkpoint, in order, until stopped, lost or the shard's end. */
  private async process(h: Held): Promise<void> {
    const { clock } = this.o;
    const shardId = h.lease.shardId;
    let last: string | undefined;
    const open = (): ShardReader => {
      const start = last ? { Type: 'AFTER_SEQUENCE_NUMBER' as const, SequenceNumber: last } : startingPosition(this.o.initialPosition, h.lease.checkpoint, h.lease.subSequence);
      return this.o.mode === 'fan-out'
        ? new FanOutReader(this.o.client, this.consumerARN as string, shardId, start, clock, this.o.fanOut)
        : new PollingReader(this.o.client, this.o.streamName, shardId, start, clock, this.o.polling);
    };
    let reader = open();
    const owned = () => !h.abort.signal.aborted && clock.now() < h.until;
    try {
      while (owned()) {
        let batch;
        try {
          batch = await reader.next(h.abort.signal);
        } catch (err) {
          if (!owned()) break;
          this.fail(err as Error, shardId);
          reader.close();
          await clock.sleep(this.o.retryDelayMs, h.abort.signal);
          reader = open();
          continue;
        }
        if (batch.millisBehindLatest !== undefined) this.emit('lag', { shardId, millisBehindLatest: batch.millisBehindLatest });
        if (batch.records.length) {
          if (!(await this.deliver(h, batch.records, batch.millisBehindLatest))) break;
          last = batch.records[batch.records.length - 1].SequenceNumber;
        }
        if (batch.end) {
          const children = (batch.childShards ?? []).map((c) => c.ShardId as string);
          for (const c of batch.childShards ?? []) await this.o.leaseStore.create(c.ShardId as string, c.ParentShards ?? [shardId]);
          if (!(await this.o.leaseStore.checkpoint(shardId, this.workerId, SHARD_END))) break;
          h.release ??= { to: '', reason: 'finished' };
          this.lastTake = -Infinity; // children may be ready now
          this.emit('shardEnded', { shardId, children });
          break;
        }
      }
    } finally {
      reader.close();
    }
  }

  /** Hands one batch to the processor, retrying it until it succeeds or the lease goes; false if it went. */
  private async deliver(h: Held, records: _Record[], millisBehindLatest?: number): Promise<boolean> {
    const shardId = h.lease.shardId;
    const checkpoint = async (sequence?: string, subSequence?: number) => {
      const seq = sequence ?? (records[records.length - 1].SequenceNumber as string);
      if (this.o.clock.now() >= h.until || !(await this.o.leaseStore.checkpoint(shardId, this.workerId, seq, subSequence))) {
        throw new LeaseLostError(`${this.workerId} no longer holds ${shardId}`);
      }
    };
    for (;;) {
      if (this.o.clock.now() >= h.until) return false;
      try {
        await this.o.processRecords({ shardId, records, millisBehindLatest, checkpoint });
        if (this.o.checkpointing === 'batch') await checkpoint();
        return true;
      } catch (err) {
        if (err instanceof LeaseLostError) return false;
        this.fail(err as Error, shardId);
        await this.o.clock.sleep(this.o.retryDelayMs, h.abort.signal);
        if (h.abort.signal.aborted) return false;
      }
    }
  }

  private fail(err: Error, shardId?: string): void {
    if (this.listenerCount('error') > 0) this.emit('error', Object.assign(err, { shardId }));
  }
}
