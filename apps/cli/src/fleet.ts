import { randomBytes } from 'node:crypto';

/** One GPS position of a demo truck: the body every transport carries (apps/cli/README.md, "Contract"). */
export interface Position {
  truck: string;
  seq: number;
  lat: number;
  lon: number;
  /** Milliseconds since the epoch, when the position was produced. */
  t: number;
  /** The demo run that produced it: consumers skip positions of other runs still in a stream or queue. */
  run: string;
}

export const truckId = (i: number): string => `truck-${String(i).padStart(3, '0')}`;

export const newRunId = (): string => randomBytes(4).toString('hex');

/**
 * The position of truck `i` at step `seq`: each truck starts on a ring around Utrecht and drives a straight
 * line with a slight curve, so a map shows 100 separate trails. Deterministic, so reruns draw the same fleet.
 */
export function positionOf(i: number, seq: number, run: string, now = Date.now()): Position {
  const angle = (2 * Math.PI * i) / 100;
  const heading = angle + Math.PI / 2 + ((i % 7) - 3) * 0.05;
  const step = 0.002 + (i % 5) * 0.0004;
  const turn = seq * 0.01;
  const lat = 52.09 + 0.35 * Math.sin(angle) + step * seq * Math.sin(heading + turn);
  const lon = 5.12 + 0.55 * Math.cos(angle) + step * seq * 1.6 * Math.cos(heading + turn);
  return { truck: truckId(i), seq, lat: round(lat), lon: round(lon), t: now, run };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

export function encodePosition(p: Position): string {
  return JSON.stringify(p);
}

/** A body back into a position, or undefined when it is not one of ours (foreign message in the queue). */
export function decodePosition(body: string | Uint8Array | undefined): Position | undefined {
  if (body === undefined) return undefined;
  try {
    const p = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8')) as Partial<Position>;
    if (typeof p.truck !== 'string' || typeof p.seq !== 'number') return undefined;
    return p as Position;
  } catch {
    return undefined;
  }
}
