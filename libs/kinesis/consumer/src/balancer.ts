import { SHARD_END, type Lease } from './lease';

/** When a worker first saw each lease's counter: a counter unchanged for a lease duration means its holder is gone. */
export type Observations = Map<string, { counter: number; since: number }>;

/** Records the counters of a fresh listing; `now` is when the listing came back (never before the store read it). */
export function observe(observations: Observations, leases: Lease[], now: number): void {
  for (const lease of leases) {
    const seen = observations.get(lease.shardId);
    if (!seen || seen.counter !== lease.counter) observations.set(lease.shardId, { counter: lease.counter, since: now });
  }
}

export function isExpired(lease: Lease, observations: Observations, now: number, leaseDurationMs: number): boolean {
  if (!lease.owner) return true;
  const seen = observations.get(lease.shardId);
  return seen !== undefined && seen.counter === lease.counter && now - seen.since >= leaseDurationMs;
}

/**
 * Leases that may be processed now: not finished, and every parent finished (KCL's rule, so a key's records in
 * a child come after its records in the parents). A parent without a lease counts as finished only when the
 * stream no longer lists it (trimmed away); `streamShards` undefined means "not listed yet".
 */
export function readyLeases(leases: Lease[], streamShards?: ReadonlySet<string>): Lease[] {
  const byId = new Map(leases.map((l) => [l.shardId, l]));
  const finished = (id: string) => {
    const parent = byId.get(id);
    return parent ? parent.checkpoint === SHARD_END : streamShards !== undefined && !streamShards.has(id);
  };
  return leases.filter((l) => l.checkpoint !== SHARD_END && l.parents.every(finished));
}

export interface BalanceInput {
  me: string;
  leases: Lease[];
  /** Leases this worker is processing now. */
  held: ReadonlySet<string>;
  observations: Observations;
  now: number;
  leaseDurationMs: number;
  streamShards?: ReadonlySet<string>;
}

export interface BalanceDecision {
  /** Leases to take (free, expired, or handed to this worker), in this order. */
  take: Lease[];
  /** A lease to ask its holder for: the most loaded worker has more than its share. */
  request?: Lease;
  /** The fair share: ceil(ready leases / live workers). */
  target: number;
}

/**
 * KCL-style assignment: every worker aims at ceil(ready / workers); below it, it takes free or expired leases,
 * and when there are none, asks the most loaded worker for one (a handover, never a second owner).
 */
export function balance(input: BalanceInput): BalanceDecision {
  const { me, held, observations, now, leaseDurationMs } = input;
  const ready = readyLeases(input.leases, input.streamShards);
  const live = ready.filter((l) => !isExpired(l, observations, now, leaseDurationMs));
  const counts = new Map<string, number>([[me, 0]]);
  for (const l of live) counts.set(l.owner as string, (counts.get(l.owner as string) ?? 0) + 1);
  const target = ready.length === 0 ? 0 : Math.ceil(ready.length / counts.size);
  const mine = ready.filter((l) => held.has(l.shardId)).length;
  // Handed over (or owned before a restart of its loop): take it even above the share, or it would sit idle until it expires.
  const handedToMe = ready.filter((l) => l.owner === me && !held.has(l.shardId));
  const want = target - mine - handedToMe.length;
  const free = ready.filter((l) => l.owner !== me && isExpired(l, observations, now, leaseDurationMs));
  const take = [...handedToMe, ...shuffle(free).slice(0, Math.max(0, want))];
  if (take.length > 0 || want <= 0) return { take, target };

  // One request at a time: several in flight would each be granted, and the giver would then ask back.
  if (input.leases.some((l) => l.requestedBy === me)) return { take: [], target };
  let busiest: string | undefined;
  for (const [worker, n] of counts) if (worker !== me && (!busiest || n > (counts.get(busiest) ?? 0))) busiest = worker;
  const most = busiest ? (counts.get(busiest) ?? 0) : 0;
  // Steal only when it evens things out: from above the share, or at the share while this worker is 2+ below.
  if (busiest && (most > target || (most === target && mine < target - 1))) {
    const request = live.find((l) => l.owner === busiest && !l.requestedBy);
    if (request) return { take: [], request, target };
  }
  return { take: [], target };
}

/** Random order, so workers racing for free leases mostly pick different ones. */
function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
