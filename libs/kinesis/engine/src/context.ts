import type { Caller, Clock, EngineLogger } from '@wharf/engine-kit';
import type { KinesisEngineConfig } from './config';
import { KinesisErrors } from './errors';
import { LiveSubscriptions } from './live-subscriptions';
import { parseKinesisArn, type StreamMeta } from './model';
import type { MetadataStore, RecordLog, StreamKey, ThroughputGate } from './ports';
import { ShardRouter } from './router';
import { ShardIteratorCodec } from './shard-iterators';
import { Constraints } from './validation';

/** What a Kinesis context is built from: the app wires the Kafka log and the Redis store; unit tests the in-memory ports. */
export interface KinesisDeps {
  config: KinesisEngineConfig;
  clock: Clock;
  store: MetadataStore;
  log: RecordLog;
  gate: ThroughputGate;
  logger: EngineLogger;
}

interface CacheEntry {
  meta: StreamMeta;
  at: number;
  router?: ShardRouter;
}

/**
 * What every Kinesis operation receives: configuration, clock, logger, the three ports and a per-process
 * metadata cache (with each cached stream's router).
 */
export class KinesisContext {
  readonly config: KinesisEngineConfig;
  readonly clock: Clock;
  readonly store: MetadataStore;
  readonly log: RecordLog;
  readonly gate: ThroughputGate;
  readonly logger: EngineLogger;
  readonly iterators: ShardIteratorCodec;
  /** This process's SubscribeToShard subscriptions and how far each has sent (the console's consumer lag). */
  readonly subscriptions = new LiveSubscriptions();
  private readonly cache = new Map<string, CacheEntry>();

  constructor(deps: KinesisDeps) {
    this.config = deps.config;
    this.clock = deps.clock;
    this.store = deps.store;
    this.log = deps.log;
    this.gate = deps.gate;
    this.logger = deps.logger;
    this.iterators = new ShardIteratorCodec(deps.config.iteratorSecret);
  }

  /**
   * The stream a call names, by StreamName (in the caller's account and region) or StreamARN. Adds the
   * model's constraint violations to `c` and throws them (with any the caller collected before).
   */
  streamKey(input: { StreamName?: string; StreamARN?: string }, caller: Caller, c = new Constraints()): StreamKey {
    c.streamName('streamName', input.StreamName).streamArn('streamARN', input.StreamARN);
    c.throwIfAny();
    if (input.StreamARN !== undefined) {
      const arn = parseKinesisArn(input.StreamARN);
      if (!arn || arn.consumer !== undefined) throw KinesisErrors.invalidArgument(`StreamARN ${input.StreamARN} is invalid.`);
      if (arn.account !== caller.accountId) throw KinesisErrors.accessDenied(caller, input.StreamARN);
      if (input.StreamName !== undefined && input.StreamName !== arn.stream) {
        throw KinesisErrors.invalidArgument(`StreamName ${input.StreamName} and StreamARN ${input.StreamARN} do not identify the same stream.`);
      }
      return { account: arn.account, region: arn.region, name: arn.stream };
    }
    if (input.StreamName === undefined) throw KinesisErrors.invalidArgument('Either StreamName or StreamARN must be provided.');
    return { account: caller.accountId, region: caller.region, name: input.StreamName };
  }

  private cacheKey(key: StreamKey): string {
    return `${key.account}/${key.region}/${key.name}`;
  }

  /** Metadata no older than `maxAgeMs` (0 = straight from the store). */
  async load(key: StreamKey, maxAgeMs = 0): Promise<StreamMeta | undefined> {
    const entry = this.cache.get(this.cacheKey(key));
    if (entry && maxAgeMs > 0 && this.clock.now() - entry.at <= maxAgeMs) return entry.meta;
    const meta = await this.store.get(key);
    if (meta) this.remember(meta);
    else this.cache.delete(this.cacheKey(key));
    return meta;
  }

  /** `meta` if the store still holds that version, else the stored document (undefined when gone). */
  async refresh(key: StreamKey, meta: StreamMeta): Promise<StreamMeta | undefined> {
    const version = await this.store.version(key);
    if (version === meta.version) return meta;
    return version === undefined ? undefined : this.load(key);
  }

  async require(key: StreamKey, maxAgeMs = 0): Promise<StreamMeta> {
    const meta = await this.load(key, maxAgeMs);
    if (!meta) throw KinesisErrors.streamNotFound(key.name, key.account);
    return meta;
  }

  remember(meta: StreamMeta): void {
    this.cache.set(this.cacheKey(meta), { meta, at: this.clock.now() });
  }

  forget(key: StreamKey): void {
    this.cache.delete(this.cacheKey(key));
  }

  router(meta: StreamMeta): ShardRouter {
    const entry = this.cache.get(this.cacheKey(meta));
    if (entry && entry.meta === meta) return (entry.router ??= new ShardRouter(meta));
    return new ShardRouter(meta);
  }

  /** Atomic change of a stream's metadata (see MetadataStore.update); the result is cached. */
  async update<T>(key: StreamKey, mutate: (meta: StreamMeta) => T): Promise<{ result: T; meta: StreamMeta }> {
    const out = await this.store.update(key, mutate, () => KinesisErrors.streamNotFound(key.name, key.account));
    this.remember(out.meta);
    return out;
  }
}
