/**
 * Which replica of a service gets the next request, and what the edge believes of each replica. Pure logic:
 * no sockets, no timers (the proxy reports what happened, the health checker what it saw; time comes from
 * `now`). One balancer per service.
 */

/** `unknown`: not checked yet (routable: a fresh edge sends at once); `down`: refused, reset or failed its checks. */
export type ReplicaState = 'unknown' | 'up' | 'down';

export interface Replica {
  /** The replica's base URL (its origin is what the edge connects to). */
  readonly url: string;
  state: ReplicaState;
  /** Requests sent to it whose response has not ended (a long poll or an event stream counts while it lasts). */
  inFlight: number;
  /** Requests sent to it since the edge started. */
  requests: number;
  /** Active checks failed in a row (a request's failure marks it down at once). */
  failedChecks: number;
  /** Why it is down (or was last), e.g. "connection refused". */
  reason?: string;
  /** When its state last changed (ms, `now`). */
  changedAt: number;
  /** When an active check last answered or failed (ms). */
  checkedAt?: number;
}

export interface ReplicaView {
  url: string;
  state: ReplicaState;
  inFlight: number;
  requests: number;
  reason?: string;
  /** Seconds in this state. */
  forSeconds: number;
  checkedSecondsAgo?: number;
}

export interface BalancerOptions {
  now?: () => number;
  /**
   * Failed active checks in a row before a replica is taken out (a slow /health on a busy machine is not a
   * dead replica); a refused connection takes it out at once.
   */
  fall?: number;
  /** Told of every change of a replica's state (logs and metrics). */
  onChange?: (replica: Replica, from: ReplicaState, by: 'request' | 'check') => void;
}

export class ReplicaBalancer {
  readonly replicas: readonly Replica[];
  private cursor = 0;
  private readonly now: () => number;
  private readonly fall: number;

  constructor(
    readonly service: string,
    urls: readonly string[],
    private readonly options: BalancerOptions = {},
  ) {
    if (urls.length === 0) throw new Error(`${service}: no upstream URL`);
    this.now = options.now ?? Date.now;
    this.fall = Math.max(1, options.fall ?? 2);
    const at = this.now();
    this.replicas = urls.map((url) => ({ url, state: 'unknown', inFlight: 0, requests: 0, failedChecks: 0, changedAt: at }));
  }

  /**
   * The replica for the next attempt of a request, never one in `tried`: the least busy of those not down
   * (round robin among equals), else — every untried one is down — the least busy untried one anyway: a lone
   * upstream, or a set the checks all think dead, is still tried as before balancing, and answers for itself.
   * Undefined when every replica was tried.
   */
  pick(tried: ReadonlySet<Replica> = new Set()): Replica | undefined {
    const untried = this.replicas.filter((r) => !tried.has(r));
    if (untried.length === 0) return undefined;
    const routable = untried.filter((r) => r.state !== 'down');
    const pool = routable.length > 0 ? routable : untried;
    const least = Math.min(...pool.map((r) => r.inFlight));
    const n = this.replicas.length;
    for (let k = 0; k < n; k++) {
      const candidate = this.replicas[(this.cursor + k) % n] as Replica;
      if (pool.includes(candidate) && candidate.inFlight === least) {
        this.cursor = (this.cursor + k + 1) % n;
        return candidate;
      }
    }
    return undefined; // unreachable: `least` belongs to one of `pool`
  }

  /** A request goes to `replica`; call `finished` once its response ended (or failed). */
  begin(replica: Replica): void {
    replica.inFlight++;
    replica.requests++;
  }

  finished(replica: Replica): void {
    replica.inFlight = Math.max(0, replica.inFlight - 1);
  }

  /** A request could not reach `replica` (refused, reset): out of rotation until a check finds it up. */
  requestFailed(replica: Replica, reason: string): void {
    replica.reason = reason;
    this.set(replica, 'down', 'request');
  }

  /**
   * An active check's outcome: up at the first success; down after `fall` failures in a row, or at once when
   * `definite` (nothing listens: the connection was refused).
   */
  checked(replica: Replica, ok: boolean, reason?: string, definite = false): void {
    replica.checkedAt = this.now();
    if (ok) {
      replica.failedChecks = 0;
      this.set(replica, 'up', 'check');
      return;
    }
    replica.failedChecks++;
    replica.reason = reason;
    if (definite || replica.failedChecks >= this.fall || replica.state === 'down') this.set(replica, 'down', 'check');
  }

  view(): ReplicaView[] {
    const at = this.now();
    return this.replicas.map((r) => ({
      url: r.url,
      state: r.state,
      inFlight: r.inFlight,
      requests: r.requests,
      ...(r.reason !== undefined && r.state === 'down' ? { reason: r.reason } : {}),
      forSeconds: Math.round((at - r.changedAt) / 100) / 10,
      ...(r.checkedAt !== undefined ? { checkedSecondsAgo: Math.round((at - r.checkedAt) / 100) / 10 } : {}),
    }));
  }

  private set(replica: Replica, state: ReplicaState, by: 'request' | 'check'): void {
    if (replica.state === state) return;
    const from = replica.state;
    replica.state = state;
    replica.changedAt = this.now();
    this.options.onChange?.(replica, from, by);
  }
}
