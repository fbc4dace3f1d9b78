import { randomUUID } from 'node:crypto';
import { ManualClock } from './clock';
import { SnsEngine } from './engine';
import { parseCidrList, LOCAL_AND_PRIVATE_CIDRS } from './ip';
import { MemoryFifoStore, MemorySnsBus, MemorySnsStore } from './memory';
import type { CallContext } from './operations/context';

/** An engine over in-memory store, bus and FIFO state, with a manual clock (unit tests only). */
export function memoryEngine() {
  const clock = new ManualClock();
  const store = new MemorySnsStore();
  const bus = new MemorySnsBus();
  const fifo = new MemoryFifoStore(clock);
  let tokens = 0;
  const engine = new SnsEngine({
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
    sleep: async (ms) => clock.advance(ms),
  });
  const ctx: CallContext = { accountId: '000000000000', region: 'us-east-1', authenticated: true };
  return { engine, clock, store, bus, fifo, ctx };
}
