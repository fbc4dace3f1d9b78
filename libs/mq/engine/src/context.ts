import type { BrokerState, EngineType } from '@aws-sdk/client-mq';
import { type Caller, type Clock, type EngineLogger, silentLogger, systemClock } from '@wharf/engine-kit';
import { badRequest, notFound } from './errors';
import type { BrokerRecord, ConfigurationRecord } from './model';
import type { BrokerBackend, MqStore, Supervision, WriteOptions } from './ports';

export interface MqContextOptions {
  store: MqStore;
  backends: BrokerBackend[];
  /** The service's account and region, for answers that do not depend on the caller's. */
  defaults: Pick<Caller, 'accountId' | 'region'>;
  clock?: Clock;
  logger?: EngineLogger;
  /** Whether this replica runs transitions and supervises (default: always, one `mq`). */
  supervision?: Supervision;
}

const nothing = (): void => undefined;

/** A transition's write refused because this replica no longer holds the supervisor lease (the store's fence or ours). */
export class SupervisionLostError extends Error {
  override readonly name = 'SupervisionLostError';
}

/**
 * What every MQ operation receives: broker definitions and configurations (in memory, written through to
 * the store), the backend of each engine type, and one chain per broker on which its state transitions
 * (broker-lifecycle.ts) run one after another in the background.
 */
export class MqContext {
  readonly brokers = new Map<string, BrokerRecord>();
  readonly configurations = new Map<string, ConfigurationRecord>();
  readonly store: MqStore;
  readonly defaults: Pick<Caller, 'accountId' | 'region'>;
  readonly clock: Clock;
  readonly logger: EngineLogger;
  private readonly backendsByType = new Map<EngineType, BrokerBackend>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly supervision?: Supervision;
  /** The state each broker was in when this replica, as supervisor, last acted on it or wrote it. */
  readonly actedOn = new Map<string, BrokerState>();
  /** Count of this replica's writes, the count at each record's last write, and the writes not yet stored (`broker:<id>`, `configuration:<id>`). */
  private writeCount = 0;
  private readonly lastWrite = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();
  private isClosed = false;

  constructor(options: MqContextOptions) {
    this.store = options.store;
    this.defaults = options.defaults;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.supervision = options.supervision;
    for (const b of options.backends) {
      this.backendsByType.set(b.engineType, b);
      b.useConfigurations?.((ref) => this.configurations.get(ref.Id ?? '')?.revisions.find((r) => r.revision === ref.Revision)?.data);
    }
  }

  /** True once close() began: transitions stop retrying and queued ones no longer start. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Does this replica run broker transitions and supervise processes right now? */
  get supervisor(): boolean {
    return this.supervision?.isSupervisor() ?? true;
  }

  /** A mark to pass to `writtenSince` (reloadDefinitions takes one before it reads the store). */
  get writeMark(): number {
    return this.writeCount;
  }

  /**
   * Has this replica written the record since `mark`, or is a write of it still on its way to the store? A
   * reload that read the store meanwhile must not put its older copy in place of the one being written.
   */
  writtenSince(kind: 'broker' | 'configuration', id: string, mark: number): boolean {
    const key = `${kind}:${id}`;
    return (this.lastWrite.get(key) ?? 0) > mark || (this.inFlight.get(key) ?? 0) > 0;
  }

  /** Runs a store write of one record, known to writtenSince from its start to its end. */
  private async tracked(kind: 'broker' | 'configuration', id: string, write: () => Promise<void>): Promise<void> {
    const key = `${kind}:${id}`;
    this.lastWrite.set(key, ++this.writeCount);
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    try {
      await write();
    } finally {
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left > 0) this.inFlight.set(key, left);
      else this.inFlight.delete(key);
    }
  }

  /** Is a transition or user change of this broker queued or running here? */
  busy(brokerId: string): boolean {
    return this.chains.has(brokerId);
  }

  /** Waits for queued transitions, then lets the backends stop supervising. */
  async close(): Promise<void> {
    this.isClosed = true;
    await Promise.allSettled([...this.chains.values()]);
    for (const b of this.backendsByType.values()) await b.close?.();
  }

  backend(engineType: EngineType): BrokerBackend {
    const b = this.backendsByType.get(engineType);
    if (!b) throw badRequest('engineType', `This Wharf has no ${engineType} backend configured.`);
    return b;
  }

  backends(): BrokerBackend[] {
    return [...this.backendsByType.values()];
  }

  /**
   * The broker, or NotFoundException (as Amazon MQ answers an unknown or malformed id). With `caller`, a
   * broker of another account is not found either: accounts do not see each other's brokers.
   */
  broker(brokerId: string | undefined, caller?: Pick<Caller, 'accountId'>): BrokerRecord {
    const found = brokerId ? this.brokers.get(brokerId) : undefined;
    const b = found && (!caller || ownedBy(found.brokerArn, caller)) ? found : undefined;
    if (!b) {
      throw notFound('broker-id', `Can't find requested broker [${brokerId ?? ''}]. Make sure your broker exists.`);
    }
    return b;
  }

  configuration(id: string | undefined, caller: Pick<Caller, 'accountId'>, attribute = 'configuration-id'): ConfigurationRecord {
    const found = id ? this.configurations.get(id) : undefined;
    const c = found && ownedBy(found.arn, caller) ? found : undefined;
    if (!c) throw notFound(attribute, `Can't find requested configuration [${id ?? ''}]. Make sure your configuration exists.`);
    return c;
  }

  /** Writes the definition through; `asSupervisor` (transitions) is refused once this replica lost the lease. */
  async saveBroker(b: BrokerRecord, options: WriteOptions = {}): Promise<void> {
    if (options.asSupervisor) this.requireSupervisor(b.brokerId);
    this.brokers.set(b.brokerId, b);
    if (this.supervisor) this.actedOn.set(b.brokerId, b.state);
    await this.tracked('broker', b.brokerId, () => this.store.saveBroker(b, options));
  }

  async forgetBroker(brokerId: string, options: WriteOptions = {}): Promise<void> {
    if (options.asSupervisor) this.requireSupervisor(brokerId);
    this.brokers.delete(brokerId);
    await this.tracked('broker', brokerId, () => this.store.deleteBroker(brokerId, options));
    this.actedOn.delete(brokerId);
  }

  private requireSupervisor(brokerId: string): void {
    if (!this.supervisor) throw new SupervisionLostError(`broker ${brokerId}: this replica no longer supervises brokers (lease lost); the supervisor redoes the step`);
  }

  async saveConfiguration(c: ConfigurationRecord): Promise<void> {
    this.configurations.set(c.id, c);
    await this.tracked('configuration', c.id, () => this.store.saveConfiguration(c));
  }

  async forgetConfiguration(id: string): Promise<void> {
    this.configurations.delete(id);
    await this.tracked('configuration', id, () => this.store.deleteConfiguration(id));
  }

  /** The clock's time as the records keep it (ISO-8601). */
  now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /** Runs `task` after everything queued for this broker; the returned promise carries its outcome. */
  enqueue(brokerId: string, task: () => Promise<void>): Promise<void> {
    const prev = this.chains.get(brokerId) ?? Promise.resolve();
    const run = prev.then(() => (this.isClosed ? undefined : task()));
    const tail = run.catch(nothing);
    this.chains.set(brokerId, tail);
    void tail.then(() => { if (this.chains.get(brokerId) === tail) this.chains.delete(brokerId); });
    return run;
  }

  /**
   * Queues a transition nobody waits for; its failure is logged (transitions record their own outcome).
   * On a replica that does not supervise, nothing runs: the stored state is the request, and the
   * supervisor picks it up (superviseBrokers).
   */
  background(brokerId: string, task: () => Promise<void>): void {
    if (!this.supervisor) return;
    this.enqueue(brokerId, () => (this.supervisor ? task() : Promise.resolve()))
      .catch((err: unknown) => this.logger.error({ brokerId, err }, 'background task failed'));
  }

  /** Resolves when the broker's queued transitions are done (tests, shutdown). */
  async settled(brokerId: string): Promise<void> {
    await (this.chains.get(brokerId) ?? Promise.resolve());
  }
}

/** Whether an ARN (`arn:aws:mq:<region>:<account>:…`) is of the caller's account. */
export function ownedBy(arn: string, caller: Pick<Caller, 'accountId'>): boolean {
  return arn.split(':')[4] === caller.accountId;
}
