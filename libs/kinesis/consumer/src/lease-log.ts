/**
 * A lease log: what each worker believed about its leases, and when. A worker holds a shard from `acquired`
 * until `released`, and never past the last `until` it logged (its own deadline: a worker that dies or stops
 * renewing stops processing there), so a crashed worker's interval closes by itself.
 */
export interface LeaseLogEntry {
  /** Wall-clock ms. */
  t: number;
  worker: string;
  shard: string;
  type: 'acquired' | 'renewed' | 'released';
  /** For acquired/renewed: the holder's deadline. */
  until?: number;
}

export interface Ownership {
  worker: string;
  shard: string;
  from: number;
  to: number;
}

export interface Overlap {
  shard: string;
  a: Ownership;
  b: Ownership;
}

/** Each worker's ownership intervals per shard, from the log. */
export function ownerships(log: readonly LeaseLogEntry[]): Ownership[] {
  const open = new Map<string, Ownership>();
  const out: Ownership[] = [];
  for (const e of [...log].sort((x, y) => x.t - y.t)) {
    const key = `${e.worker}\u0000${e.shard}`;
    const current = open.get(key);
    if (e.type === 'acquired') {
      if (current) out.push(current);
      open.set(key, { worker: e.worker, shard: e.shard, from: e.t, to: e.until ?? Infinity });
    } else if (current && e.type === 'renewed') {
      current.to = Math.max(current.to, e.until ?? Infinity);
    } else if (current && e.type === 'released') {
      current.to = Math.min(current.to, e.t);
      out.push(current);
      open.delete(key);
    }
  }
  return [...out, ...open.values()];
}

/** Every pair of intervals in which two different workers owned the same shard at once (touching is fine). */
export function findOverlaps(log: readonly LeaseLogEntry[]): Overlap[] {
  const byShard = new Map<string, Ownership[]>();
  for (const o of ownerships(log)) byShard.set(o.shard, [...(byShard.get(o.shard) ?? []), o]);
  const overlaps: Overlap[] = [];
  for (const [shard, list] of byShard) {
    list.sort((x, y) => x.from - y.from);
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length && list[j].from < list[i].to; j++) {
        if (list[i].worker !== list[j].worker) overlaps.push({ shard, a: list[i], b: list[j] });
      }
    }
  }
  return overlaps;
}
