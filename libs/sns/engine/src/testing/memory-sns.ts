import { randomUUID } from 'node:crypto';
import { AwsError } from '@wharf/aws-protocol';
import type { Caller } from '@wharf/engine-kit';
import { ManualClock } from '@wharf/engine-kit/testing';
import type { SnsContext } from '../context';
import { LOCAL_AND_PRIVATE_CIDRS, parseCidrList } from '../ip';
import { MemoryFifoStore, MemorySnsBus, MemorySnsStore } from './memory';

/**
 * A ManualClock whose sleeps move time by themselves, so a publish that waits out another publisher's dedup
 * reservation runs to its end inside one awaited call.
 */
export class SelfAdvancingClock extends ManualClock {
  override sleep(ms: number, signal?: AbortSignal): Promise<void> {
    const slept = super.sleep(ms, signal);
    this.advance(ms);
    return slept;
  }
}

/** An SnsContext over in-memory store, bus and FIFO state with a manual clock, and a signed caller. */
export function memorySns() {
  const clock = new SelfAdvancingClock();
  const store = new MemorySnsStore();
  const bus = new MemorySnsBus();
  const fifo = new MemoryFifoStore(clock);
  let tokens = 0;
  const ctx: SnsContext = {
    store,
    bus,
    fifo,
    clock,
    endpoints: {
      allowedCidrs: parseCidrList(LOCAL_AND_PRIVATE_CIDRS),
      resolve: async (host) => (host === 'localhost' ? ['127.0.0.1'] : host === 'public.example' ? ['93.184.216.34'] : []),
    },
    newId: () => randomUUID(),
    newToken: () => `token-${++tokens}`,
    instanceId: 'test',
  };
  const caller: Caller = { accountId: '000000000000', region: 'us-east-1', requestId: 'test-request', accessKeyId: 'test' };
  return { ctx, caller, clock, store, bus, fifo };
}

/** `Code: message` of the AwsError a call fails with, `ok` when it succeeds (one line per expectation). */
export async function errorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    return e instanceof AwsError ? `${e.code}: ${e.message}` : String(e);
  }
  return 'ok';
}

export function attrsOf(r: { Attributes?: Record<string, string> }): Record<string, string> {
  return r.Attributes ?? {};
}
