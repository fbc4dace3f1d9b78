import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { EngineLogger } from '@wharf/engine-kit';
import { SupervisionLostError, type Supervision } from '@wharf/mq-engine';
import { LuaScriptSet, type LuaRunner } from '@wharf/redis-lua';
import type { RedisClient } from '@wharf/redis-lua';

const SCRIPTS = new LuaScriptSet({
  dir: join(__dirname, '../lua'),
  prefix: 'wharf_mq_',
  scripts: { supervisor_acquire: 2, supervisor_renew: 1, supervisor_release: 1 },
});

export interface SupervisorLeaseOptions {
  /** A connection of the lease's own, failing fast (the lease must lapse while Redis is away, not queue). */
  redis: RedisClient;
  /** Key prefix of this `mq`'s definitions: replicas with one prefix elect one supervisor. */
  prefix: string;
  /** How long the lease outlives its holder's last renewal (ms): the longest a dead supervisor is waited for. */
  leaseMs: number;
  logger: EngineLogger;
}

/** Share of the lease time this replica trusts its lease after it SENT the renewal that kept it. */
const TRUSTED_SHARE = 0.8;

/**
 * The lease that makes one replica of `mq` the supervisor of broker processes: a Redis key set with NX and
 * an expiry, renewed by its holder every leaseMs/3 and tried by the others every leaseMs/5. Its value is a
 * token `<generation>:<holder>`, the generation counted up at every new holder, so an old holder's token never
 * matches again. A replica counts itself supervisor only until 80% of the lease time after it SENT its last
 * good renewal, measured on its own clock: one that was paused past that stops acting when it wakes, before it
 * asks Redis anything; its transition writes are checked against the token (`fenced`).
 */
export class SupervisorLease implements Supervision {
  readonly holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  readonly key: string;
  private readonly generationKey: string;
  private readonly run: LuaRunner<'supervisor_acquire' | 'supervisor_renew' | 'supervisor_release'>;
  private held?: string;
  private trustedUntil = 0;
  /** Lease calls and fenced writes take turns: a write's compares see no renewal of this replica in between. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SupervisorLeaseOptions) {
    // one hash tag for both keys: a Redis Cluster keeps them in one slot (when the prefix has no tag of its own)
    this.key = `${options.prefix}supervisor:{lease}`;
    this.generationKey = `${options.prefix}supervisor:{lease}:generation`;
    this.run = SCRIPTS.define(options.redis);
  }

  get redis(): RedisClient {
    return this.options.redis;
  }

  get leaseMs(): number {
    return this.options.leaseMs;
  }

  /** Waits (up to `ms`) for the lease's connection: it queues nothing while down, so a first round before it is up would just fail. */
  async connected(ms = 5_000): Promise<void> {
    const redis = this.options.redis;
    if (redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const done = () => { clearTimeout(timer); redis.off('ready', done); resolve(); };
      const timer = setTimeout(done, ms);
      redis.once('ready', done);
    });
  }

  isSupervisor(): boolean {
    return this.held !== undefined && Date.now() < this.trustedUntil;
  }

  /** This replica's token while it is supervisor. */
  get token(): string | undefined {
    return this.isSupervisor() ? this.held : undefined;
  }

  /**
   * One round: renew the lease when this replica has held it (safe even after a pause: the renewal only succeeds
   * while the key still holds our token, i.e. nobody took over), else try to take it. A Redis error leaves the
   * trust to lapse by itself.
   */
  async renewOrAcquire(): Promise<void> {
    await this.inTurn(async () => {
      const sentAt = Date.now();
      try {
        if (this.held !== undefined) {
          if ((await this.run('supervisor_renew', [this.key], [this.held, this.options.leaseMs])) === 1) {
            this.trustedUntil = sentAt + this.options.leaseMs * TRUSTED_SHARE;
          } else {
            this.options.logger.warn({ token: this.held }, 'supervisor lease lost (another replica holds it or it expired)');
            this.held = undefined;
          }
          return;
        }
        const token = await this.run('supervisor_acquire', [this.key, this.generationKey], [this.holder, this.options.leaseMs]);
        if (typeof token === 'string') {
          this.held = token;
          this.trustedUntil = sentAt + this.options.leaseMs * TRUSTED_SHARE;
        }
      } catch (err) {
        this.options.logger.warn({ err }, 'supervisor lease: Redis did not answer');
      }
    });
  }

  /** Frees the lease at a graceful stop, so a standby takes over at once instead of after the lease time. */
  async release(): Promise<void> {
    await this.inTurn(async () => {
      const token = this.held;
      this.held = undefined;
      if (token) await this.run('supervisor_release', [this.key], [token]).catch(() => undefined);
    });
  }

  /**
   * Runs `write` only while the lease holds this replica's token: the token is compared in Redis right before
   * and again right after the write, in turn with the renewals. Rejects (SupervisionLostError) when the lease
   * was taken before the write (nothing written) or during it (the write may have landed; the caller must not
   * go on as supervisor). Not atomic with the write — the store writes each key on its own so that it works on a
   * Redis Cluster — so a holder frozen exactly between the first compare and its write could still land that
   * one write; a holder that was paused anywhere else stops at its own clock or at the compare.
   */
  fenced(write: () => Promise<void>): Promise<void> {
    return this.inTurn(async () => {
      const token = this.token;
      if (!token) throw new SupervisionLostError('this replica is not the supervisor (lease lapsed): write refused');
      const redis = this.options.redis;
      if ((await redis.get(this.key)) !== token) throw new SupervisionLostError(`supervisor lease taken over (had ${token}): write refused`);
      await write();
      if ((await redis.get(this.key)) !== token) throw new SupervisionLostError(`supervisor lease taken over (had ${token}) during a write`);
    });
  }

  private inTurn<T>(step: () => Promise<T>): Promise<T> {
    const run = this.turn.then(step);
    this.turn = run.catch(() => undefined);
    return run;
  }
}
