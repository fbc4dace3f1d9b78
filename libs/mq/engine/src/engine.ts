import type { EngineType } from '@aws-sdk/client-mq';
import type { BrokerBackend } from './backend';
import { systemClock, type Clock } from './clock';
import { badRequest, notFound } from './errors';
import type { Scope } from './ids';
import type { BrokerRecord, ConfigurationRecord } from './model';
import type { MqStore } from './store';

export interface EngineLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const nothing = (): void => undefined;
const silent: EngineLogger = { info: nothing, warn: nothing, error: nothing };

export interface MqEngineOptions {
  store: MqStore;
  backends: BrokerBackend[];
  scope: Scope;
  clock?: Clock;
  logger?: EngineLogger;
}

/**
 * Holds broker definitions and configurations (in memory, written through to the store), runs each
 * broker's state transitions one after another in the background, and resumes them after a restart.
 */
export class MqEngine {
  readonly brokers = new Map<string, BrokerRecord>();
  readonly configurations = new Map<string, ConfigurationRecord>();
  readonly clock: Clock;
  readonly scope: Scope;
  readonly logger: EngineLogger;
  private readonly store: MqStore;
  private readonly backendsByType = new Map<EngineType, BrokerBackend>();
  private readonly chains = new Map<string, Promise<void>>();
  private closed = false;

  constructor(options: MqEngineOptions) {
    this.store = options.store;
    this.scope = options.scope;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silent;
    for (const b of options.backends) {
      this.backendsByType.set(b.engineType, b);
      b.useConfigurations?.((ref) => this.configurations.get(ref.Id ?? '')?.revisions.find((r) => r.revision === ref.Revision)?.data);
    }
  }

  /** Loads definitions and resumes what each broker was doing when `mq` last stopped. */
  async start(): Promise<void> {
    for (const c of await this.store.loadConfigurations()) this.configurations.set(c.id, c);
    const brokers = await this.store.loadBrokers();
    for (const b of brokers) this.brokers.set(b.brokerId, b);
    for (const backend of this.backendsByType.values()) {
      await backend.restore?.(brokers.filter((b) => b.engineType === backend.engineType));
    }
    for (const b of brokers) {
      switch (b.state) {
        case 'CREATION_IN_PROGRESS': this.background(b.brokerId, () => this.runCreate(b.brokerId)); break;
        case 'REBOOT_IN_PROGRESS': this.background(b.brokerId, () => this.runReboot(b.brokerId)); break;
        case 'DELETION_IN_PROGRESS': this.background(b.brokerId, () => this.runDelete(b.brokerId)); break;
        case 'CREATION_FAILED': break;
        default: this.background(b.brokerId, () => this.runAttach(b.brokerId));
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.chains.values()]);
    for (const b of this.backendsByType.values()) await b.close?.();
  }

  hasBackend(engineType: EngineType): boolean {
    return this.backendsByType.has(engineType);
  }

  backend(engineType: EngineType): BrokerBackend {
    const b = this.backendsByType.get(engineType);
    if (!b) throw badRequest('engineType', `This Wharf has no ${engineType} backend configured.`);
    return b;
  }

  backends(): BrokerBackend[] {
    return [...this.backendsByType.values()];
  }

  /** The broker, or NotFoundException (as Amazon MQ answers an unknown or malformed id). */
  broker(brokerId: string | undefined): BrokerRecord {
    const b = brokerId ? this.brokers.get(brokerId) : undefined;
    if (!b) {
      throw notFound('broker-id', `Can't find requested broker [${brokerId ?? ''}]. Make sure your broker exists.`);
    }
    return b;
  }

  configuration(id: string | undefined, attribute = 'configuration-id'): ConfigurationRecord {
    const c = id ? this.configurations.get(id) : undefined;
    if (!c) throw notFound(attribute, `Can't find requested configuration [${id ?? ''}]. Make sure your configuration exists.`);
    return c;
  }

  async saveBroker(b: BrokerRecord): Promise<void> {
    this.brokers.set(b.brokerId, b);
    await this.store.saveBroker(b);
  }

  async saveConfiguration(c: ConfigurationRecord): Promise<void> {
    this.configurations.set(c.id, c);
    await this.store.saveConfiguration(c);
  }

  async forgetConfiguration(id: string): Promise<void> {
    this.configurations.delete(id);
    await this.store.deleteConfiguration(id);
  }

  now(): string {
    return this.clock.now().toISOString();
  }

  /** Runs `task` after everything queued for this broker; the returned promise carries its outcome. */
  enqueue(brokerId: string, task: () => Promise<void>): Promise<void> {
    const prev = this.chains.get(brokerId) ?? Promise.resolve();
    const run = prev.then(() => (this.closed ? undefined : task()));
    const tail = run.catch(nothing);
    this.chains.set(brokerId, tail);
    void tail.then(() => { if (this.chains.get(brokerId) === tail) this.chains.delete(brokerId); });
    return run;
  }

  /** Queues a transition nobody waits for; its failure is logged (transitions record their own outcome). */
  background(brokerId: string, task: () => Promise<void>): void {
    this.enqueue(brokerId, task).catch((err: unknown) => this.logger.error({ brokerId, err }, 'background task failed'));
  }

  /** Resolves when the broker's queued transitions are done (tests, shutdown). */
  async settled(brokerId: string): Promise<void> {
    await (this.chains.get(brokerId) ?? Promise.resolve());
  }

  // ---- transitions (run on the broker's chain) ----

  async runCreate(brokerId: string): Promise<void> {
    const b = this.brokers.get(brokerId);
    if (!b || b.state !== 'CREATION_IN_PROGRESS') return;
    const started = Date.now();
    try {
      await this.backend(b.engineType).provision(b, async (runtime) => {
        b.runtime = runtime;
        await this.saveBroker(b);
      });
      if (this.brokers.get(brokerId) !== b || b.state !== 'CREATION_IN_PROGRESS') return;
      b.state = 'RUNNING';
      await this.saveBroker(b);
      this.logger.info({ brokerId, ms: Date.now() - started }, 'broker running');
    } catch (err) {
      this.logger.error({ brokerId, err }, 'broker creation failed');
      b.state = 'CREATION_FAILED';
      b.actionsRequired = [{ ActionRequiredCode: 'CREATION_FAILED', ActionRequiredInfo: messageOf(err) }];
      await this.backend(b.engineType).destroy(b).catch((e: unknown) => this.logger.warn({ brokerId, err: e }, 'cleanup after failed creation'));
      await this.saveBroker(b);
    }
  }

  async runReboot(brokerId: string): Promise<void> {
    const b = this.brokers.get(brokerId);
    if (!b || b.state !== 'REBOOT_IN_PROGRESS') return;
    try {
      await this.backend(b.engineType).reboot(b);
      b.actionsRequired = [];
    } catch (err) {
      this.logger.error({ brokerId, err }, 'reboot failed');
      b.actionsRequired = [{ ActionRequiredCode: 'REBOOT_FAILED', ActionRequiredInfo: messageOf(err) }];
    }
    if (this.brokers.get(brokerId) !== b || b.state !== 'REBOOT_IN_PROGRESS') return;
    b.state = b.actionsRequired.length ? 'CRITICAL_ACTION_REQUIRED' : 'RUNNING';
    await this.saveBroker(b);
  }

  async runDelete(brokerId: string): Promise<void> {
    const b = this.brokers.get(brokerId);
    if (!b || b.state !== 'DELETION_IN_PROGRESS') return;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.backend(b.engineType).destroy(b);
        break;
      } catch (err) {
        this.logger.error({ brokerId, err, attempt }, 'delete failed; retrying');
        if (attempt >= 5 || this.closed) {
          b.actionsRequired = [{ ActionRequiredCode: 'DELETION_FAILED', ActionRequiredInfo: messageOf(err) }];
          await this.saveBroker(b);
          return;
        }
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
    this.brokers.delete(brokerId);
    await this.store.deleteBroker(brokerId);
    this.logger.info({ brokerId }, 'broker deleted');
  }

  async runAttach(brokerId: string): Promise<void> {
    const b = this.brokers.get(brokerId);
    if (!b) return;
    try {
      await this.backend(b.engineType).attach(b);
    } catch (err) {
      this.logger.error({ brokerId, err }, 're-attaching the broker failed');
      b.actionsRequired = [{ ActionRequiredCode: 'ATTACH_FAILED', ActionRequiredInfo: messageOf(err) }];
      await this.saveBroker(b);
    }
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
