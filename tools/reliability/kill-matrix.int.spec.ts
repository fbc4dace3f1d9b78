// The kill -9 matrix (issue 11): each service and each broker it stands on is killed with -9 under the bounded
// load of that service's scenario, then restarted. Services must reconnect by themselves, /health must go down
// and come back, every acknowledged message/record must come out, per key/group order kept, duplicates only
// where AWS allows them (never from a FIFO queue or topic). All brokers here are PRIVATE instances started for
// this file (kill-brokers.ts) and the services are child processes pointed at them: the shared brokers, which
// other suites use at the same time, are never touched. Prints a table and writes tmp/kill-matrix.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteBrokerCommand } from '@aws-sdk/client-mq';
import { listenerPortRange, repoRoot, startApp, type AppProcess } from '@wharf/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { killLeftovers, waitForGone } from '../../apps/mq/test/harness';
import { ACTIVEMQ_LOGIN, privateActiveMqPair, privateKafka, privateRabbitMq, privateRedis } from './kill-brokers';
import { kinesisScenario, longestGap, sleep, snsScenario, sqsScenario, stompScenario, type LoadPart, type Tally } from './kill-loads';
import { MQ_USER, brokerProcesses, createActiveMqBroker, describeBroker, endpointsOf, mqClient, supervises } from './kill-mq';

type Service = 'sqs' | 'sns' | 'kinesis' | 'edge' | 'mq';
const PORT_ENV: Record<Service, string> = { sqs: 'SQS_PORT', sns: 'SNS_PORT', kinesis: 'KINESIS_PORT', edge: 'EDGE_PORT', mq: 'MQ_PORT' };
const BOOT_MS = 180_000;

/**
 * downMs: kill → /health 200 again; reconnectMs: the restarted process serving → /health 200 (0: the service was
 * back first); gapMs: the longest time without an acknowledged send from the kill until the load went on after
 * the restart (the whole outage when the killed process carries the load; short when it does not, as for mq).
 */
interface Row extends Tally { scenario: string; killed: string; healthDown: boolean; downMs: number | null; reconnectMs: number | null; fifoDuplicates: number; gapMs: number }
const rows: Row[] = [];

describe('kill -9 matrix: services and brokers killed under load, restarted, nothing acknowledged lost', () => {
  // Each broker and service starts when a row first needs it, one at a time: JVMs started together on two cores
  // only slow each other down. Everything started is stopped (brokers deleted) in afterAll.
  const started: { destroy(): Promise<void> }[] = [];
  const once = <T extends { destroy(): Promise<void> }>(make: () => Promise<T>) => {
    let p: Promise<T> | undefined;
    return () => (p ??= make().then((b) => { started.push(b); return b; }));
  };
  const redis = once(privateRedis), kafka = once(privateKafka), rabbit = once(privateRabbitMq), amq = once(privateActiveMqPair);
  const apps = {} as Record<Service, AppProcess>;
  const envs = {} as Record<Service, Record<string, string>>;
  const start = async (s: Service, env: Record<string, string>, port?: number) => {
    envs[s] = { ...env, WHARF_LOG_LEVEL: 'warn' }; // kept in memory, printed when a row fails
    apps[s] = await startApp(s, { portEnv: PORT_ENV[s], port, env: envs[s], timeoutMs: BOOT_MS });
    return apps[s];
  };
  const sqs = async () => apps.sqs ?? start('sqs', (await redis()).env);
  const sns = async () => apps.sns ?? start('sns', { ...(await redis()).env, ...(await rabbit()).env, WHARF_SQS_URL: (await sqs()).url });
  const kinesis = async () => apps.kinesis ?? start('kinesis', { ...(await redis()).env, ...(await kafka()).env });
  const edge = async () => apps.edge ?? start('edge', (await amq()).env);
  // mq on the private Redis, its ActiveMQ brokers in a folder and port block of this file, cleartext endpoints,
  // no RabbitMQ engine (the private RabbitMQ node has no management API)
  const mqDataDir = mkdtempSync(join(tmpdir(), 'wharf-kill-mq-'));
  const mq = async () => {
    if (apps.mq) return apps.mq;
    const [first, last] = listenerPortRange(40);
    return start('mq', {
      ...(await redis()).env, WHARF_MQ_DATA_DIR: mqDataDir, WHARF_MQ_ACTIVEMQ_PORTS: `${first}-${last}`,
      WHARF_MQ_ENDPOINTS: 'plain', WHARF_RABBITMQ_MANAGEMENT_URL: '',
    });
  };
  let mqBrokerMade: ReturnType<typeof createActiveMqBroker> | undefined;
  const mqBroker = async () => (mqBrokerMade ??= mq().then((app) => createActiveMqBroker(app.url)));
  /** DeleteBroker through mq (it stops the processes and frees the ports), while mq and its Redis still run. */
  const deleteMqBroker = async () => {
    const b = await mqBrokerMade?.catch(() => undefined);
    if (!b || !apps.mq) return;
    const client = mqClient(apps.mq.url);
    await client.send(new DeleteBrokerCommand({ BrokerId: b.id })).then(() => waitForGone(client, b.id), () => undefined).finally(() => client.destroy());
  };

  afterAll(async () => {
    await deleteMqBroker().catch(() => undefined);
    await Promise.allSettled(Object.values(apps).map((a) => a.stop()));
    await Promise.allSettled(started.map((b) => b.destroy()));
    killLeftovers(mqDataDir); // a broker mq could not delete after a failed row
    rmSync(mqDataDir, { recursive: true, force: true });
    const table = ['scenario | killed | acknowledged | delivered | lost | duplicates (in FIFO) | order kept | /health down→up | kill→healthy ms | reconnect ms | longest ack gap ms', '---|---|---|---|---|---|---|---|---|---|---',
      ...rows.map((r) => `${r.scenario} | ${r.killed} | ${r.acknowledged} | ${r.delivered} | ${r.lost} | ${r.duplicates} (${r.fifoDuplicates}) | ${r.orderKept ? 'yes' : 'NO'} | ${r.healthDown && r.reconnectMs !== null ? 'yes' : 'NO'} | ${r.downMs ?? '—'} | ${r.reconnectMs ?? '—'} | ${r.gapMs}`)];
    console.log(`\nkill -9 matrix\n${table.join('\n')}\n`);
    mkdirSync(join(repoRoot, 'tmp'), { recursive: true });
    writeFileSync(join(repoRoot, 'tmp/kill-matrix.json'), JSON.stringify(rows, null, 2));
  }, 300_000);

  /** Polls /health; `healthy` decides from the answer. Records a down after the kill, then the first up after it. */
  function watchHealth(url: string, healthy: (status: number, body: string) => boolean) {
    const state = { stopped: false, down: false, upAt: 0 };
    void (async () => {
      while (!state.stopped) {
        let ok = false;
        try { const r = await fetch(url, { signal: AbortSignal.timeout(3_000) }); ok = healthy(r.status, await r.text()); } catch { ok = false; }
        if (!ok) state.down = true;
        else if (state.down && !state.upAt) state.upAt = Date.now();
        await sleep(150);
      }
    })();
    return state;
  }

  async function waitFor(what: string, cond: () => boolean, ms: number) {
    for (const end = Date.now() + ms; !cond(); await sleep(100)) if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }

  /** One row: load → kill -9 → restart → /health back → more load → drain → tally. */
  async function row(scenario: string, killed: string, parts: LoadPart[], health: { url: string; healthy?: (s: number, b: string) => boolean }, kill: () => Promise<void>, restart: () => Promise<void>) {
    const count = () => parts.reduce((n, p) => n + p.load.count, 0);
    parts.forEach((p) => p.load.start());
    await waitFor('acknowledged sends before the kill', () => count() >= 20, 60_000);
    const watch = watchHealth(health.url, health.healthy ?? ((s) => s === 200));
    const killedAt = Date.now();
    await kill();
    await waitFor('/health to report the loss', () => watch.down, 30_000);
    await sleep(1_000); // sends fail meanwhile and are retried by the producers
    await restart();
    const restartedAt = Date.now();
    await waitFor('/health up again', () => watch.upAt > 0, 180_000).catch(() => undefined);
    watch.stopped = true;
    const after = count();
    await waitFor('acknowledged sends after the restart', () => count() >= after + 20, 90_000).catch(() => undefined);
    const gapMs = longestGap(parts.flatMap((p) => p.load.ackedAt), killedAt, Date.now());
    await Promise.all(parts.map((p) => p.load.stop()));
    const tallies = await Promise.all(parts.map(async (p) => { const got = await p.collect(); return { p, got, t: p.load.tally(got) }; }));
    const sum = (k: 'acknowledged' | 'delivered' | 'lost' | 'duplicates' | 'unackedDelivered') => tallies.reduce((n, { t }) => n + t[k], 0);
    const r: Row = {
      scenario, killed, acknowledged: sum('acknowledged'), delivered: sum('delivered'), lost: sum('lost'), duplicates: sum('duplicates'), unackedDelivered: sum('unackedDelivered'),
      fifoDuplicates: tallies.filter(({ p }) => p.fifo).reduce((n, { t }) => n + t.duplicates, 0), orderKept: tallies.every(({ p, t }) => !p.ordered || t.orderKept),
      healthDown: watch.down, downMs: watch.upAt ? watch.upAt - killedAt : null, reconnectMs: watch.upAt ? Math.max(0, watch.upAt - restartedAt) : null, gapMs,
    };
    rows.push(r);
    console.log(`kill -9 ${killed} under ${scenario}: ${JSON.stringify({ ...r, parts: tallies.map(({ p, t }) => ({ part: p.name, ...t })) })}`);
    if (r.lost > 0 || r.fifoDuplicates > 0 || !r.orderKept) {
      // which ones, and what the services said: enough to tell a loss from a late delivery or a stalled consumer
      for (const { p, got: received } of tallies) {
        const got = new Set(received);
        console.log(`${p.name}: lost ${[...p.load.owed()].filter((b) => !got.has(b)).join(' ')}; acknowledged at ${p.load.ackedAt.map((t) => t - killedAt).join(' ')} ms from the kill; now: ${(await p.inspect?.()) ?? '—'}`);
      }
      for (const [name, app] of Object.entries(apps)) console.log(`--- ${name}'s last output ---\n${app.output().slice(-6000)}`);
    }
    expect(r).toMatchObject({ lost: 0, fifoDuplicates: 0, orderKept: true, healthDown: true });
    expect(r.reconnectMs).not.toBeNull();
    expect(r.acknowledged).toBeGreaterThanOrEqual(40);
    return r;
  }

  const killApp = (s: Service) => async () => { await apps[s].kill(); };
  const restartApp = (s: Service) => async () => { await start(s, envs[s], apps[s].port); };
  const health = (s: Service) => ({ url: `${apps[s].url}/health` });
  const ROW_MS = 900_000;

  it('sqs (FIFO groups + standard), kill -9 the sqs service', async () => {
    await row('sqs', 'sqs service', await sqsScenario((await sqs()).url), health('sqs'), killApp('sqs'), restartApp('sqs'));
  }, ROW_MS);

  it('sqs (FIFO groups + standard), kill -9 Redis', async () => {
    const r = await redis();
    await row('sqs', 'redis', await sqsScenario((await sqs()).url), health('sqs'), () => r.kill(), () => r.restart());
  }, ROW_MS);

  it('sns → sqs (FIFO, standard, PublishBatch), kill -9 the sns service', async () => {
    await row('sns → sqs', 'sns service', await snsScenario((await sns()).url, (await sqs()).url, (await rabbit()).env.WHARF_AMQP_URL), health('sns'), killApp('sns'), restartApp('sns'));
  }, ROW_MS);

  it('sns → sqs (FIFO, standard, PublishBatch), kill -9 RabbitMQ', async () => {
    const r = await rabbit();
    await row('sns → sqs', 'rabbitmq', await snsScenario((await sns()).url, (await sqs()).url, r.env.WHARF_AMQP_URL), health('sns'), () => r.kill(), () => r.restart());
  }, ROW_MS);

  it('sns → sqs (FIFO, standard, PublishBatch), kill -9 Redis (topics, subscriptions; and the queues)', async () => {
    const r = await redis();
    await row('sns → sqs', 'redis', await snsScenario((await sns()).url, (await sqs()).url, (await rabbit()).env.WHARF_AMQP_URL), health('sns'), () => r.kill(), () => r.restart());
  }, ROW_MS);

  it('kinesis (keyed records), kill -9 the kinesis service', async () => {
    await row('kinesis', 'kinesis service', await kinesisScenario((await kinesis()).url), health('kinesis'), killApp('kinesis'), restartApp('kinesis'));
  }, ROW_MS);

  it('kinesis (keyed records), kill -9 Kafka', async () => {
    const k = await kafka();
    await row('kinesis', 'kafka', await kinesisScenario((await kinesis()).url), health('kinesis'), () => k.kill(), () => k.restart());
  }, ROW_MS);

  it('kinesis (keyed records), kill -9 Redis (stream metadata, limits)', async () => {
    const r = await redis();
    await row('kinesis', 'redis', await kinesisScenario((await kinesis()).url), health('kinesis'), () => r.kill(), () => r.restart());
  }, ROW_MS);

  it('mq (ActiveMQ pair, persistent STOMP), kill -9 the active instance', async () => {
    const pair = await amq();
    const active = async () => ((await pair.active()) === 'a' ? { port: pair.a.stomp } : { port: pair.b.stomp });
    // the edge's /health reports the pair (OpenWire greeting of the lock holder): down until the standby serves
    const pairUp = (_s: number, body: string) => { try { return !(JSON.parse(body) as { brokers: { down: string[] } }).brokers.down.includes('activemq'); } catch { return false; } };
    await row('mq (activemq)', 'active activemq', stompScenario(active, ACTIVEMQ_LOGIN), { url: `${(await edge()).url}/health`, healthy: pairUp }, () => pair.kill(), () => pair.restart());
  }, ROW_MS);

  /**
   * mq's ActiveMQ broker processes run in their own session and outlive mq: after mq (and its Redis) come back,
   * the new mq takes the supervisor lease and adopts them by the pids and ports in its definitions (the pid
   * checked against /proc/<pid>/cmdline) — the same processes, the same endpoints, nothing started twice —
   * and the STOMP load on the broker goes on throughout (its gap is reported).
   */
  async function mqRow(killed: string, kill: () => Promise<void>, restart: () => Promise<void>) {
    const broker = await mqBroker();
    const before = brokerProcesses(mqDataDir, broker.id);
    expect(before.every((i) => i.alive && i.running.length === 1)).toBe(true);
    const r = await row('mq (ActiveMQ broker run by mq)', killed, stompScenario(async () => ({ port: broker.stomp }), MQ_USER), health('mq'), kill, restart);
    const adoptedAt = Date.now();
    let supervising = false;
    for (const end = Date.now() + 30_000; !supervising && Date.now() < end; await sleep(200)) supervising = await supervises(apps.mq.url);
    await sleep(3_000); // a few supervisor rounds: time to start a second process, if it were going to
    const after = brokerProcesses(mqDataDir, broker.id);
    const described = await describeBroker(apps.mq.url, broker.id);
    console.log(`mq after kill -9 of ${killed}: supervising ${supervising} ${Date.now() - adoptedAt} ms after the row; processes before ${JSON.stringify(before)} after ${JSON.stringify(after)}; ${described.BrokerState}; longest ack gap ${r.gapMs} ms`);
    expect(supervising).toBe(true);
    expect(after).toEqual(before); // the same pid, alive, the only process of each instance
    expect(described.BrokerState).toBe('RUNNING');
    expect(endpointsOf(described)).toEqual(endpointsOf(broker.described));
  }

  it('mq (ActiveMQ broker run by mq, persistent STOMP), kill -9 the mq service', async () => {
    await mq();
    await mqRow('mq service', killApp('mq'), restartApp('mq'));
  }, ROW_MS);

  it('mq (ActiveMQ broker run by mq, persistent STOMP), kill -9 the mq service and its Redis', async () => {
    const r = await redis();
    await mq();
    await mqRow('mq service + redis', async () => { await apps.mq.kill(); await r.kill(); }, async () => { await r.restart(); await restartApp('mq')(); });
  }, ROW_MS);
});

