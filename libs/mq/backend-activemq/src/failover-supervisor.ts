import type { EngineLogger } from '@wharf/engine-kit';
import type { BrokerRecord } from '@wharf/mq-engine';
import { isAlive } from './instance-process';

/** What the supervisor knows of one instance: its process, when it started, and its restart back-off. */
export interface WatchedInstance {
  pid?: number;
  restartAt?: number;
  failures: number;
  startedAt: number;
}

export interface Supervised {
  broker: BrokerRecord;
  /** Set while a start, reboot or delete is under way: the supervisor leaves the broker alone. */
  paused: boolean;
  instances: WatchedInstance[];
}

export interface SupervisorOptions {
  everyMs: number;
  logger: EngineLogger;
  /** The broker's instance folders (where their pid files are), or undefined when it has no placement. */
  instanceDirs(b: BrokerRecord): string[] | undefined;
  /** Starts instance `index` of the broker; returns its pid. */
  start(b: BrokerRecord, index: number): number;
  /** False while this replica of `mq` is not the supervisor (its lease lapsed): nothing is restarted. */
  mayAct?(): boolean;
}

/**
 * Keeps every instance of the supervised brokers running. Failover itself is ActiveMQ's: the two instances
 * of an ACTIVE_STANDBY_MULTI_AZ pair share one KahaDB directory, the holder of its lock is active and the
 * other waits for it. A dead instance is started again after a back-off — longer for a pair member, so its
 * partner takes the lock first — and comes back as the standby.
 */
export class InstanceSupervisor {
  private readonly brokers = new Map<string, Supervised>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly options: SupervisorOptions) {}

  get(brokerId: string): Supervised | undefined {
    return this.brokers.get(brokerId);
  }

  track(sup: Supervised): void {
    this.brokers.set(sup.broker.brokerId, sup);
  }

  forget(brokerId: string): void {
    this.brokers.delete(brokerId);
  }

  /** Starts the periodic check (once); it does not keep the process alive. */
  run(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.superviseOnce(), this.options.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.brokers.clear();
  }

  private superviseOnce(): void {
    // checked on every tick: a replica paused past its lease wakes up here before it learns it lost the lease
    if (this.options.mayAct && !this.options.mayAct()) return;
    const now = Date.now();
    for (const sup of this.brokers.values()) {
      if (sup.paused) continue;
      const dirs = this.options.instanceDirs(sup.broker);
      if (!dirs) continue;
      dirs.forEach((dir, i) => {
        const s = sup.instances[i] ?? (sup.instances[i] = { failures: 0, startedAt: 0 });
        if (s.pid !== undefined && isAlive(s.pid, dir)) {
          if (now - s.startedAt > 60_000) s.failures = 0;
          return;
        }
        if (s.restartAt === undefined) {
          // a pair member waits a little longer: its partner takes the lock first
          const base = dirs.length > 1 ? 2_000 : 500;
          s.restartAt = now + Math.min(30_000, base * 2 ** s.failures);
          this.options.logger.warn({ brokerId: sup.broker.brokerId, instance: i + 1, pid: s.pid, restartInMs: s.restartAt - now }, 'activemq instance is down');
          return;
        }
        if (now < s.restartAt) return;
        s.restartAt = undefined;
        s.failures++;
        s.startedAt = now;
        try {
          s.pid = this.options.start(sup.broker, i);
        } catch (err) {
          this.options.logger.error({ brokerId: sup.broker.brokerId, instance: i + 1, err }, 'restarting activemq instance failed');
        }
      });
    }
  }
}
