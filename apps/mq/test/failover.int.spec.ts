import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBrokerCommand, DescribeBrokerCommand } from '@aws-sdk/client-mq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, endpoint, sleep, startMq, waitForState, type MqHarness } from './harness';
import { StompTcp } from './stomp-tcp';

const N = 10_000;
const WINDOW = 200;
const KILL_AFTER = 3_000;
const QUEUE = '/queue/failover';

interface Roles {
  instances: Array<{ role: string; endpoints: string[] }>;
}

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
        const client = await StompTcp.open(endpoints[i].hostname, Number(endpoints[i].port), user, PASSWORD, 2_000);
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
    const created = await h.client.send(
      new CreateBrokerCommand({
        BrokerName: `pair-${h.id}`,
        EngineType: 'ACTIVEMQ',
        EngineVersion: '6.1.8', // the 6.x line these tests were written on (5.19, the default now, has its own tests)
        DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ',
        HostInstanceType: 'mq.m5.large',
        PubliclyAccessible: false,
        Users: [{ Username: 'app', Password: PASSWORD }],
      }),
    );
    brokerId = created.BrokerId as string;
    await waitForState(h.client, brokerId, 'RUNNING', 120_000);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('loses no receipted persistent message; DescribeBroker shows the new active', async () => {
    const before = await h.client.send(new DescribeBrokerCommand({ BrokerId: brokerId }));
    expect(before.BrokerInstances).toHaveLength(2);
    expect(await roles(h, brokerId)).toEqual(['active', 'standby']);
    // DescribeBroker lists the active first; Wharf's own view keeps instance order
    const stompEndpoints = [endpoint(before, 'stomp', 0), endpoint(before, 'stomp', 1)];
    const activePid = Number(readFileSync(join(h.dataDir, brokerId, 'instance-1', 'broker.pid'), 'utf8'));

    const receipted = new Set<number>();
    const received = new Map<number, number>();
    let killedAt = 0;
    let producerBackAt = 0;
    let consumerBackAt = 0;
    let done = false;

    const kill = () => {
      if (killedAt || receipted.size < KILL_AFTER) return;
      killedAt = performance.now();
      process.kill(activePid, 'SIGKILL');
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
              client.send(QUEUE, `m${i}`, { persistent: 'true' }).then(
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
        client.subscribe(QUEUE, 'failover', 'client-individual', { 'activemq.prefetchSize': '500' });
        while (!done && !client.closed) await sleep(50);
        if (done) await client.close();
      }
    })();

    const started = performance.now();
    await producer;
    const deadline = Date.now() + 60_000;
    while ([...receipted].some((i) => !received.has(i)) && Date.now() < deadline) await sleep(100);
    done = true;
    await consumer;

    const missing = [...receipted].filter((i) => !received.has(i));
    const deliveries = [...received.values()].reduce((a, b) => a + b, 0);
    const duplicates = deliveries - received.size;
    const takeoverMs = Math.round(producerBackAt - killedAt);
    console.log(
      `[failover] ${N} persistent messages, receipted ${receipted.size}; active killed (kill -9) after ${KILL_AFTER} receipts; ` +
        `takeover (kill -9 → standby accepts STOMP) ${takeoverMs} ms, consumer back after ${Math.round(consumerBackAt - killedAt)} ms; ` +
        `delivered ${deliveries} (${received.size} distinct, ${duplicates} duplicates of unacknowledged ones), missing ${missing.length}; ` +
        `total ${Math.round(performance.now() - started)} ms`,
    );
    expect(killedAt).toBeGreaterThan(0);
    expect(receipted.size).toBe(N);
    expect(missing).toEqual([]);
    expect(takeoverMs).toBeLessThanOrEqual(5_000);

    // the new active is the former standby, listed first; the killed instance comes back as the standby
    const after = await h.client.send(new DescribeBrokerCommand({ BrokerId: brokerId }));
    expect(after.BrokerState).toBe('RUNNING');
    expect(after.BrokerInstances?.[0].Endpoints).toEqual(before.BrokerInstances?.[1].Endpoints);
    expect((await roles(h, brokerId))[1]).toBe('active');
    const until = Date.now() + 60_000;
    while ((await roles(h, brokerId))[0] !== 'standby' && Date.now() < until) await sleep(250);
    expect(await roles(h, brokerId)).toEqual(['standby', 'active']);
    expect(Number(readFileSync(join(h.dataDir, brokerId, 'instance-1', 'broker.pid'), 'utf8'))).not.toBe(activePid);
  });
});
