// What every row shares: a worker pool, and a measured section (wall time, server and client CPU).
import { clientCpuMs, machineBusyMs, sumCpuMs } from './servers.mjs';

/** Runs fn(i) for i in [0, count) with `concurrency` workers. */
export async function pool(count, concurrency, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) await fn(i);
    }),
  );
}

/**
 * Times `fn` and the CPU used meanwhile by the server (`own`: its processes; `brokers`: the shared brokers it
 * uses, whose CPU also carries whatever else runs on them) and by this client process. `fn` returns
 * { messages, ...extra }; rates are per second, CPU in ms per 1,000 messages (serverCpu = own + brokers;
 * machineCpu = every process on the machine, so machineCpu − serverCpu − clientCpu is what else ran; brokerCpu:
 * each broker's part of it, by pid).
 */
export async function measured({ own, brokers = [] }, fn) {
  const ownPids = [...new Set(own.filter(Boolean))]; // one process may serve several roles (one-process Wharf)
  const brokerPids = [...new Set(brokers.filter(Boolean))];
  const o0 = sumCpuMs(ownPids);
  const each0 = brokerPids.map((pid) => sumCpuMs([pid])); // one read of each broker's /proc, before and after
  const c0 = clientCpuMs();
  const m0 = machineBusyMs();
  const t0 = performance.now();
  const result = await fn();
  const ms = performance.now() - t0;
  const messages = result.messages;
  const eachMs = brokerPids.map((pid, i) => sumCpuMs([pid]) - each0[i]);
  const brokersMs = eachMs.reduce((a, b) => a + b, 0);
  return {
    ...result,
    ms: result.ms ?? ms,
    rate: (messages / (result.ms ?? ms)) * 1000,
    ownCpu: ((sumCpuMs(ownPids) - o0) / messages) * 1000,
    serverCpu: ((sumCpuMs(ownPids) - o0 + brokersMs) / messages) * 1000,
    // each broker's share, by pid: which one a server's broker use went to
    brokerCpu: Object.fromEntries(brokerPids.map((pid, i) => [pid, (eachMs[i] / messages) * 1000])),
    clientCpu: ((clientCpuMs() - c0) / messages) * 1000,
    machineCpu: ((machineBusyMs() - m0) / messages) * 1000,
  };
}

export const median = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return v.length ? v[Math.floor(v.length / 2)] : NaN;
};

/** Throws when a correctness check fails: a bench that loses messages has no figure. */
export function check(ok, what) {
  if (!ok) throw new Error(`check failed: ${what}`);
}
