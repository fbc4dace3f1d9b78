import { readFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { join } from 'node:path';
import { DescribeBrokerCommand } from '@aws-sdk/client-mq';
import { ensureLocalCa } from '@wharf/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, createPair, endpoint, sleep, startMq, type MqHarness } from './harness';
import { StompTcp } from './stomp-tcp';

const ROUNDS = 5;
const N = 2_000;
const WINDOW = 200;
const KILL_AFTER = 600;
/** Endpoints are TLS by default (stomp+ssl with the local CA's certificate), as a client of Amazon MQ sees them. */
const ca = ensureLocalCa().ca;

interface Roles {
  instances: Array<{ role: string; endpoints: string[] }>;
}

/** Resolves once a TLS handshake with `u` succeeds (the standby's connector is up), polling every 50 ms. */
async function tlsReady(u: URL, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  const once = () =>
    new Promise<boolean>((resolve) => {
      const s = tlsConnect({ host: u.hostname, port: Number(u.port), ca, servername: 'localhost' }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
      s.setTimeout(1_000, () => {
        s.destroy();
        resolve(false);
      });
    });
  while (!(await once())) {
    if (Date.now() > deadline) throw new Error(`${u} not accepting TLS within ${deadlineMs} ms`);
    await sleep(50);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function roles(h: MqHarness, brokerId: string): Promise<string[]> {
  const res = await fetch(`${h.app.url}/_wharf/mq/brokers/${brokerId}/instances`);
  return ((await res.json()) as Roles).instances.map((i) => i.role);
}

/** Connects to whichever STOMP endpoint accepts (the active one), trying them in turn. */
async function connectAny(endpoints: URL[], user: string, deadlineMs: number): Promise<{ client: StompTcp; index: number }> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    for (let i = 0; i < endpoints.length; i++) {
      try {
        const client = await StompTcp.open(endpoints[i].hostname, Number(endpoints[i].port), user, PASSWORD, 2_000, { ca });
        return { client, index: i };
      } catch {
        /* not this one (standby, or dead) */
      }
    }
    if (Date.now() > deadline) throw new Error('no STOMP endpoint accepts connections');
    await sleep(50);
  }
}

describe('ACTIVE_STANDBY_MULTI_AZ: kill -9 the active mid-stream, the standby takes over from the shared data', () => {
  let h: MqHarness;
  let brokerId: string;

  beforeAll(async () => {
    h = await startMq({ WHARF_RABBITMQ_MANAGEMENT_URL: '' });
    // the 6.x line these tests were written on (5.19, the default now, has its own tests)
    brokerId = await createPair(h, 'pair', '6.1.8', 120_000);
  });

  afterAll(async () => {
    await h?.close();
  });

  /** One round: a producer and a consumer over stomp+ssl, the active killed after KILL_AFTER receipts. */
  async function killRound(round: number): Promise<{ brokerTakeoverMs: number; takeoverMs: number; consumerBackMs: number; missing: number[]; receipted: number; duplicates: number; killedInstance: number }> {
    const queue = `/queue/failover-${round}`;
    const before = await h.client.send(new DescribeBrokerCommand({ BrokerId: brokerId }));
    expect(before.BrokerInstances).toHaveLength(2);
    const stompEndpoints = [endpoint(before, 'stomp+ssl', 0), endpoint(before, 'stomp+ssl', 1)];
    const killedInstance = (await roles(h, brokerId)).indexOf('active');
    expect(killedInstance).toBeGreaterThanOrEqual(0);
    const activePid = Number(readFileSync(join(h.dataDir, brokerId, `instance-${killedInstance + 1}`, 'broker.pid'), 'utf8'));

    const receipted = new Set<number>();
    const received = new Map<number, number>();
    let killedAt = 0;
    let producerBackAt = 0;
    let consumerBackAt = 0;
    let done = false;
    let brokerBack: Promise<number> | undefined;

    const kill = () => {
      if (killedAt || receipted.size < KILL_AFTER) return;
      killedAt = performance.now();
      process.kill(activePid, 'SIGKILL');
      // the broker's own takeover: the standby's stomp+ssl completes a TLS handshake (no client traffic in it)
      // (DescribeBroker lists the active, the one killed, first)
      brokerBack = tlsReady(stompEndpoints[1], 60_000).then(() => performance.now() - killedAt);
    };

    const producer = (async () => {
      let next = 0;
      const resend: number[] = [];
      const inflight = new Set<number>();
      while (receipted.size < N) {
        const { client } = await connectAny(stompEndpoints, 'app', 30_000);
        if (killedAt && !producerBackAt) producerBackAt = performance.now();
        resend.push(...inflight); // sent before the crash without a receipt: send again (may duplicate)
        inflight.clear();
        await new Promise<void>((resolve) => {
          const pump = () => {
            while (inflight.size < WINDOW && !client.closed) {
              const i = resend.shift() ?? (next < N ? next++ : undefined);
              if (i === undefined) break;
              inflight.add(i);
              client.send(queue, `m${i}`, { persistent: 'true' }).then(
                () => {
                  inflight.delete(i);
                  receipted.add(i);
                  kill();
                  if (receipted.size === N) resolve();
                  else pump();
                },
                () => undefined, // connection lost: resent after reconnecting
              );
            }
          };
          pump();
          void client.done.then(() => resolve());
        });
        if (receipted.size === N) await client.close();
      }
    })();

    const consumer = (async () => {
      while (!done) {
        const { client } = await connectAny(stompEndpoints, 'app', 30_000);
        if (killedAt && !consumerBackAt) consumerBackAt = performance.now();
        client.onMessage = (f) => {
          const id = Number(f.body.slice(1));
          received.set(id, (received.get(id) ?? 0) + 1);
          client.ack(f);
        };
        client.subscribe(queue, 'failover', 'client-individual', { 'activemq.prefetchSize': '500' });
        while (!done && !client.closed) await sleep(50);
        if (done) await client.close();
      }
    })();

    await producer;
    const deadline = Date.now() + 60_000;
    while ([...receipted].some((i) => !received.has(i)) && Date.now() < deadline) await sleep(100);
    done = true;
    await consumer;
    const deliveries = [...received.values()].reduce((a, b) => a + b, 0);
    expect(killedAt).toBeGreaterThan(0);
    return {
      brokerTakeoverMs: Math.round((await brokerBack) ?? -1),
      takeoverMs: Math.round(producerBackAt - killedAt),
      consumerBackMs: Math.round(consumerBackAt - killedAt),
      missing: [...receipted].filter((i) => !received.has(i)),
      receipted: receipted.size,
      duplicates: deliveries - received.size,
      killedInstance,
    };
  }

  it(`${ROUNDS} times: loses no receipted persistent message; the standby takes over and the killed one comes back as standby`, async () => {
    const takeovers: number[] = [];
    const brokerTakeovers: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const r = await killRound(round);
      takeovers.push(r.takeoverMs);
      brokerTakeovers.push(r.brokerTakeoverMs);
      console.log(
        `[failover] round ${round}: instance ${r.killedInstance + 1} killed (kill -9) after ${KILL_AFTER} of ${N} receipts; ` +
          `standby accepts TLS after ${r.brokerTakeoverMs} ms; producer back (STOMP CONNECTED over TLS) after ${r.takeoverMs} ms, consumer back after ${r.consumerBackMs} ms; ` +
          `receipted ${r.receipted}, missing ${r.missing.length}, ${r.duplicates} duplicates of unacknowledged ones`,
      );
      expect(r.receipted).toBe(N);
      expect(r.missing).toEqual([]);

      // the former standby is active and listed first; the killed instance comes back as the standby
      const after = await h.client.send(new DescribeBrokerCommand({ BrokerId: brokerId }));
      expect(after.BrokerState).toBe('RUNNING');
      expect((await roles(h, brokerId))[1 - r.killedInstance]).toBe('active');
      const until = Date.now() + 90_000;
      while ((await roles(h, brokerId))[r.killedInstance] !== 'standby' && Date.now() < until) await sleep(250);
      expect((await roles(h, brokerId))[r.killedInstance]).toBe('standby');
    }
    // The figure for the README (≤ 2 s wanted); a timing assertion would fail on a loaded machine, so none.
    console.log(
      `[failover] takeover after kill -9, ${ROUNDS} rounds — standby accepting TLS: ${brokerTakeovers.join(', ')} ms, median ${median(brokerTakeovers)} ms; ` +
        `producer reconnected: ${takeovers.join(', ')} ms, median ${median(takeovers)} ms`,
    );
    expect(takeovers).toHaveLength(ROUNDS);
  }, 900_000);
});
