/** Pure state of the Trucks view: each truck's trail in received order and whether its order ever broke. */

/**
 * A received demo position: the CLI's record contract (apps/cli/README.md, "Contract"; apps/cli/src/fleet.ts
 * writes it) plus what carried it. Its own type on purpose: the console and the CLI are both plain clients of
 * Wharf and import nothing of ours; the JSON between them is the contract.
 */
export interface Position {
  truck: string;
  seq: number;
  lat: number;
  lon: number;
  t: number;
  /** What carried it: a shard id (Kinesis) or a consumer name (SQS FIFO observations). */
  carrier: string;
  /** The demo run (apps/cli/README.md): a new run starts every truck at seq 0 again. */
  run?: string;
}

export interface TruckState {
  truck: string;
  trail: [number, number][];
  lastSeq: number;
  carrier: string;
  received: number;
  run?: string;
  /** Set at the first position that arrived with a seq not above the one before it; never cleared. */
  outOfOrder?: { after: number; got: number };
}

const TRAIL = 60;

export class Fleet {
  readonly trucks = new Map<string, TruckState>();
  violations = 0;

  /** Takes positions in the order they were received. */
  add(p: Position): void {
    let s = this.trucks.get(p.truck);
    if (!s) {
      s = { truck: p.truck, trail: [], lastSeq: -1, carrier: p.carrier, received: 0, run: p.run };
      this.trucks.set(p.truck, s);
    }
    if (p.run !== undefined && p.run !== s.run) {
      // another demo run: its seq starts again at 0 (not an order violation), its trail is its own
      s.run = p.run;
      s.lastSeq = -1;
      s.trail = [];
    }
    if (p.seq <= s.lastSeq && !s.outOfOrder) {
      s.outOfOrder = { after: s.lastSeq, got: p.seq };
      this.violations++;
    }
    s.lastSeq = Math.max(s.lastSeq, p.seq);
    s.carrier = p.carrier;
    s.received++;
    s.trail.push([p.lon, p.lat]);
    if (s.trail.length > TRAIL) s.trail.shift();
  }
}

/** Parses one demo record (the CLI's contract: UTF-8 JSON {truck, seq, lat, lon, t[, consumer]}); undefined if it is not one. */
export function parsePosition(data: Uint8Array | undefined, carrier: string): Position | undefined {
  if (!data) return undefined;
  try {
    const j = JSON.parse(new TextDecoder().decode(data)) as Partial<Position> & { consumer?: string };
    const run = typeof j.run === 'string' ? j.run : undefined;
    if (typeof j.truck !== 'string' || typeof j.seq !== 'number' || typeof j.lat !== 'number' || typeof j.lon !== 'number') return undefined;
    return { truck: j.truck, seq: j.seq, lat: j.lat, lon: j.lon, t: Number(j.t ?? 0), carrier: j.consumer ?? carrier, run };
  } catch {
    return undefined;
  }
}
