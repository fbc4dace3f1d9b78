import type { AwsTarget } from '../aws';
import { newRunId, truckId } from '../fleet';
import { Progress, type ProgressBar } from '../progress';
import { formatTable, rate, seconds } from '../table';
import { verify, type Verdict, type VerifyRules } from '../verify';
import { Tracker } from './tracker';

export const VIAS = ['kinesis', 'sqs-fifo', 'sns-fifo', 'mq'] as const;
export type Via = (typeof VIAS)[number];

export interface DemoOptions {
  via: Via;
  target: AwsTarget;
  trucks: number;
  positions: number;
  /** Consumers (sqs-fifo, mq), or pollers per subscriber queue (sns-fifo); Kinesis runs one per shard. */
  consumers: number;
  shards: number;
  subscribers: number;
  /** Pause between rounds (one position of every truck), so a live map can follow. */
  intervalMs: number;
  runId: string;
  idleMs: number;
  timeoutMs: number;
  /** Delete what the demo created when it is done (default: keep it for the next run and the console). */
  cleanup: boolean;
}

/** What one transport's demo hands back for the verification table. */
export interface DemoRun {
  rules: VerifyRules;
  /** 'shard' or 'consumer': what the per-carrier rows are. */
  carrierLabel: string;
  subscribers: string[];
  tracker: Tracker;
  produced: { count: number; ms: number };
  /** Lines about what was created or reused. */
  notes: string[];
}

export interface DemoContext {
  o: DemoOptions;
  trucks: string[];
  progress: Progress;
  /** The consumers' tracker; its bar counts first arrivals against trucks × positions × subscribers. */
  tracker(subscribers: string[]): Tracker;
  /** The producer's bar. */
  produced(): ProgressBar;
}

export function defaultOptions(target: AwsTarget): DemoOptions {
  return { via: 'kinesis', target, trucks: 100, positions: 50, consumers: 4, shards: 5, subscribers: 2, intervalMs: 0, runId: newRunId(), idleMs: 15_000, timeoutMs: 600_000, cleanup: false };
}

/** Runs one demo with progress bars, prints the verification table; true when it passed. */
export async function runDemo(o: DemoOptions, transport: (ctx: DemoContext) => Promise<DemoRun>, out: (s: string) => void): Promise<boolean> {
  const progress = new Progress();
  const trucks = Array.from({ length: o.trucks }, (_, i) => truckId(i));
  const perSubscriber = o.trucks * o.positions;
  let run: DemoRun;
  // both bars appear together, producer first, once the transport has set up (an MQ broker takes a while)
  let bars: { produced: ProgressBar; consumed: ProgressBar } | undefined;
  const ensureBars = () => (bars ??= { produced: progress.bar('produced', perSubscriber), consumed: progress.bar('consumed', perSubscriber) });
  try {
    run = await transport({
      o,
      trucks,
      progress,
      produced: () => ensureBars().produced,
      tracker: (subscribers) => {
        const { consumed } = ensureBars();
        consumed.setTotal(perSubscriber * subscribers.length);
        return new Tracker({ expectedPerSubscriber: perSubscriber, subscribers, idleMs: o.idleMs, timeoutMs: o.timeoutMs, onNew: () => consumed.add() });
      },
    });
  } finally {
    progress.stop();
  }
  const verdict = verify(run.tracker.deliveries, trucks, o.positions, run.subscribers, run.rules);
  out(report(o, run, verdict));
  return verdict.ok;
}

export function report(o: DemoOptions, run: DemoRun, v: Verdict): string {
  const lines: string[] = [];
  lines.push(`wharf demo trucks --via ${o.via}: ${o.trucks} trucks × ${o.positions} positions, run ${o.runId}, ${o.target.endpoint}`);
  for (const n of run.notes) lines.push(`  ${n}`);
  lines.push('');
  const multi = run.subscribers.length > 1;
  lines.push(
    formatTable(
      [...(multi ? ['subscriber'] : []), run.carrierLabel, 'trucks', 'records'],
      v.carriers.map((c) => [...(multi ? [c.subscriber] : []), c.carrier, c.trucks, c.records]),
    ),
  );
  lines.push('');
  lines.push(
    formatTable(
      [...(multi ? ['subscriber'] : []), 'expected', 'received', 'groups in order', 'records/group', 'order violations', 'lost', 'duplicated', ...(run.rules.oneCarrierPerTruck ? [`trucks on >1 ${run.carrierLabel}`] : []), ...(run.rules.exclusiveGroups ? ['group held by 2 at once'] : [])],
      v.subscribers.map((s) => [
        ...(multi ? [s.subscriber] : []),
        s.expected, s.received, `${s.groupsComplete}/${o.trucks}`, s.groupRecords.min === s.groupRecords.max ? String(s.groupRecords.min) : `${s.groupRecords.min}-${s.groupRecords.max}`,
        s.orderViolations, s.lost, s.duplicated,
        ...(run.rules.oneCarrierPerTruck ? [s.splitTrucks] : []), ...(run.rules.exclusiveGroups ? [s.overlaps] : []),
      ]),
    ),
  );
  lines.push('');
  const t = run.tracker;
  const consumedMs = t.firstAt !== undefined && t.lastAt !== undefined ? t.lastAt - t.firstAt : 0;
  lines.push(`produced  ${run.produced.count} in ${seconds(run.produced.ms)} (${rate(run.produced.count, run.produced.ms)})`);
  lines.push(`consumed  ${t.deliveries.length} in ${seconds(consumedMs)} (${rate(t.deliveries.length, consumedMs)}); consumers stopped: ${t.reason}`);
  if (v.examples.length) {
    lines.push('');
    lines.push('problems (first ones):');
    for (const e of v.examples) lines.push(`  ${e}`);
  }
  const dupNote = !run.rules.duplicatesFail && v.subscribers.some((s) => s.duplicated > 0) ? ' (duplicates allowed: Kinesis is at-least-once)' : '';
  lines.push('');
  lines.push(v.ok ? `PASS${dupNote}` : 'FAIL: see the problems above');
  return lines.join('\n');
}
