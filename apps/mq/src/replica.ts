import type { EngineLogger } from '@wharf/engine-kit';
import { reloadDefinitions, resumeBrokers, superviseBrokers, type MqContext } from '@wharf/mq-engine';
import type { SupervisorLease } from './supervisor-lease';

/**
 * This replica's part in supervising brokers. Every replica answers the API; the one holding the lease
 * (supervisor-lease.ts) also runs the broker transitions, watches the processes, and every `tickMs` picks up
 * the states other replicas wrote (superviseBrokers). On taking the lease it adopts the running brokers and
 * restarts dead instances (resumeBrokers: attach); on losing it, it stops watching (the processes run on).
 */
export class MqReplica {
  private supervising = false;
  private stopped = false;
  private leaseTimer?: NodeJS.Timeout;
  private tickTimer?: NodeJS.Timeout;
  private reloading?: Promise<unknown>;
  /** When this replica last became the supervisor (ms since the epoch), for /health. */
  private since?: number;

  constructor(
    private readonly ctx: MqContext,
    private readonly lease: SupervisorLease,
    private readonly logger: EngineLogger,
    private readonly tickMs = 1_000,
  ) {}

  /** Loads the definitions, makes one lease round (a lone `mq` supervises at once), then keeps both loops going. */
  async start(): Promise<void> {
    await reloadDefinitions(this.ctx);
    await this.lease.connected();
    await this.leaseRound();
    this.tickTimer = setInterval(() => {
      if (this.supervising) void superviseBrokers(this.ctx).catch((err: unknown) => this.logger.warn({ err }, 'supervisor tick failed'));
    }, this.tickMs);
    this.tickTimer.unref();
  }

  private async leaseRound(): Promise<void> {
    await this.lease.renewOrAcquire();
    const now = this.lease.isSupervisor();
    if (now && !this.supervising) {
      this.logger.info({ token: this.lease.token }, 'this replica supervises the brokers now; adopting them');
      await resumeBrokers(this.ctx).catch((err: unknown) => this.logger.error({ err }, 'adopting the brokers failed'));
      // only now: the tick must not queue the same transitions while resumeBrokers does
      this.supervising = true;
      this.since = Date.now();
    } else if (!now && this.supervising) {
      this.supervising = false;
      this.since = undefined;
      this.logger.warn({ holder: this.lease.holder }, 'this replica no longer supervises the brokers; standing down');
      for (const b of this.ctx.backends()) await b.standDown?.().catch((err: unknown) => this.logger.warn({ err }, 'standing down'));
    }
    if (this.stopped) return;
    // the holder renews three times a lease; the others ask five times, so one takes over soon after it lapses
    const every = this.supervising ? this.lease.leaseMs / 3 : this.lease.leaseMs / 5;
    this.leaseTimer = setTimeout(() => void this.leaseRound(), every);
    this.leaseTimer.unref();
  }

  /**
   * Definitions as the store has them, before an API call answers (what other replicas wrote). While Redis is
   * away the call goes on with what this replica has in memory: reads answer, writes fail on their own.
   */
  async refresh(): Promise<void> {
    // concurrent calls share one reload
    this.reloading ??= reloadDefinitions(this.ctx)
      .catch((err: unknown) => this.logger.warn({ err }, 'definitions not reloaded; answering from memory'))
      .finally(() => (this.reloading = undefined));
    await this.reloading;
  }

  /** For /health: whether this replica supervises, since when, and its lease token. */
  status(): Record<string, unknown> {
    return { supervisor: this.supervising, since: this.since && new Date(this.since).toISOString(), holder: this.lease.holder, token: this.lease.token };
  }

  /** Stops both loops and frees the lease, so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.leaseTimer);
    clearInterval(this.tickTimer);
    await this.lease.release();
  }
}
