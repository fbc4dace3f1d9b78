import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock';
import { DEFAULT_POLLING, PollingReader } from './polling-reader';
import { FakeKinesis } from './testing';

describe('PollingReader', () => {
  function reader(kinesis: FakeKinesis, clock: ManualClock) {
    kinesis.now = () => clock.now();
    return new PollingReader(kinesis.client, 'trucks', 's0', { Type: 'TRIM_HORIZON' }, clock, DEFAULT_POLLING);
  }

  /** Reads in a loop for `ms` of manual time; returns the data read. */
  async function readFor(r: PollingReader, clock: ManualClock, ms: number): Promise<string[]> {
    const out: string[] = [];
    const stop = new AbortController();
    const loop = (async () => {
      while (!stop.signal.aborted) out.push(...(await r.next(stop.signal)).records.map((x) => Buffer.from(x.Data as Uint8Array).toString()));
    })();
    await clock.advance(ms);
    stop.abort();
    await loop;
    return out;
  }

  it('keeps to 5 GetRecords calls per second on a busy shard', async () => {
    const kinesis = new FakeKinesis();
    kinesis.addShard('s0');
    for (let i = 0; i < 50; i++) kinesis.put('s0', `r${i}`);
    const clock = new ManualClock();
    const r = new PollingReader(kinesis.client, 'trucks', 's0', { Type: 'TRIM_HORIZON' }, clock, { ...DEFAULT_POLLING, maxRecords: 5 });
    kinesis.now = () => clock.now();
    expect(await readFor(r, clock, 1000)).toEqual(Array.from({ length: 25 }, (_, i) => `r${i}`));
    const gaps = kinesis.getRecordsAt.slice(1).map((t, i) => t - kinesis.getRecordsAt[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(200);
  });

  it('backs off, doubling, on ProvisionedThroughputExceeded, then reads on without losing a record', async () => {
    const kinesis = new FakeKinesis();
    kinesis.addShard('s0');
    kinesis.put('s0', 'r0');
    kinesis.throttleNext = 3;
    const clock = new ManualClock();
    expect(await readFor(reader(kinesis, clock), clock, 3000)).toEqual(['r0']);
    const gaps = kinesis.getRecordsAt.slice(1, 4).map((t, i) => t - kinesis.getRecordsAt[i]);
    expect(gaps).toEqual([250, 500, 1000]);
  });

  it('waits idleDelayMs after an empty read at the tip of the shard', async () => {
    const kinesis = new FakeKinesis();
    kinesis.addShard('s0');
    const clock = new ManualClock();
    await readFor(reader(kinesis, clock), clock, 3500);
    const at = kinesis.getRecordsAt;
    expect(at.slice(1).map((t, i) => t - at[i])).toEqual([1000, 1000, 1000]);
  });
});
