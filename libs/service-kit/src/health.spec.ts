import { afterEach, describe, expect, it, vi } from 'vitest';
import { runHealthChecks } from './health';
import { envBool, envInt } from './config';

describe('runHealthChecks', () => {
  afterEach(() => vi.useRealTimers());

  it('is ok only when every check is up, and names the one that is down', async () => {
    const report = await runHealthChecks('sqs', [
      { name: 'redis', check: async () => ({ latencyMs: 1 }) },
      { name: 'kafka', check: async () => { throw new Error('connection refused'); } },
    ]);
    expect(report).toEqual({
      service: 'sqs',
      status: 'degraded',
      checks: { redis: { status: 'up', detail: { latencyMs: 1 } }, kafka: { status: 'down', error: 'connection refused' } },
    });
  });

  it('counts a check that never answers as down instead of hanging', async () => {
    vi.useFakeTimers();
    const pending = runHealthChecks('edge', [{ name: 'stuck', check: () => new Promise(() => undefined) }]);
    await vi.advanceTimersByTimeAsync(2_001);
    const report = await pending;
    expect(report.status).toBe('degraded');
    expect(report.checks.stuck).toEqual({ status: 'down', error: 'no answer within 2000 ms' });
  });
});

describe('config from the environment', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('reads integers and booleans and rejects nonsense rather than guessing', () => {
    vi.stubEnv('X_INT', '42');
    vi.stubEnv('X_BOOL', 'yes');
    vi.stubEnv('X_BAD', 'maybe');
    expect(envInt('X_INT', 1)).toBe(42);
    expect(envInt('X_UNSET', 7)).toBe(7);
    expect(envBool('X_BOOL', false)).toBe(true);
    expect(() => envBool('X_BAD', false)).toThrow('X_BAD must be a boolean');
  });
});
