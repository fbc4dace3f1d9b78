import { createServer } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { listenerPort, listenerPortRange } from './ports';

describe('listenerPort', () => {
  // first: listenerPort has handed out nothing yet in this file, so the mocked picks are not skipped for that
  it('skips a port something listens on', async () => {
    // a port of the range that a listener holds (not one listenerPort gave), then a free one
    const server = createServer();
    let taken = 31_000;
    for (; ; taken++) {
      const ok = await new Promise<boolean>((resolve) => server.once('error', () => resolve(false)).listen(taken, '127.0.0.1', () => resolve(true)));
      if (ok) break;
    }
    const random = vi.spyOn(Math, 'random').mockReturnValueOnce((taken - 20_000 + 0.5) / 12_000).mockReturnValueOnce((taken + 1 - 20_000 + 0.5) / 12_000);
    try {
      expect(await listenerPort()).toBe(taken + 1);
    } finally {
      random.mockRestore();
      await new Promise((r) => server.close(r));
    }
  });

  it('never hands out one port twice, even to callers side by side, and each is free below the ephemeral range', async () => {
    const ports = await Promise.all(Array.from({ length: 200 }, () => listenerPort()));
    expect(new Set(ports).size).toBe(200);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(32_000);
    }
    // free: a listener binds it
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(ports[0], '127.0.0.1', resolve));
    await new Promise((r) => server.close(r));
  });

  it('hands out a range no single port shares, before or after', async () => {
    const before = await Promise.all(Array.from({ length: 100 }, () => listenerPort()));
    const ranges = Array.from({ length: 20 }, () => listenerPortRange(100));
    const after = await Promise.all(Array.from({ length: 100 }, () => listenerPort()));
    const inRanges = (p: number) => ranges.some(([first, last]) => p >= first && p <= last);
    for (const [first, last] of ranges) {
      expect(last - first).toBe(99);
      expect(first).toBeGreaterThanOrEqual(20_000);
      expect(last).toBeLessThan(32_000);
    }
    expect([...before, ...after].filter(inRanges)).toEqual([]);
    const covered = ranges.flatMap(([first, last]) => Array.from({ length: last - first + 1 }, (_, i) => first + i));
    expect(new Set(covered).size).toBe(covered.length); // the ranges do not overlap either
  });
});
