// Heap of the mq service under the soak's MQ API load (issue 11: the soak saw mq's RSS grow ~1.8 MiB/10 min).
// Starts a built mq (shared Redis/RabbitMQ, own prefix), drives Describe/List/tags calls on one RABBITMQ broker
// as fast as one client goes, and every PERIOD calls asks mq for a heap snapshot (SIGUSR2: V8 runs a full GC
// first), printing the live heap size from the snapshot. Prints the growth per 10k calls over the second half.
// Usage: node bench/mq-heap/mq-heap.mjs [calls=20000] [period=4000] [pause ms between calls=0] [GET /health every n calls=0] [nogc]
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startApp, repoRoot } from '@wharf/testing';
import {
  MqClient, CreateBrokerCommand, DeleteBrokerCommand, DescribeBrokerCommand, ListBrokersCommand, DescribeBrokerEngineTypesCommand,
  DescribeBrokerInstanceOptionsCommand, CreateTagsCommand, ListTagsCommand, DeleteTagsCommand,
} from '@aws-sdk/client-mq';

const CALLS = Number(process.argv[2] ?? 20_000);
const PERIOD = Number(process.argv[3] ?? 4_000);
/** Pause between calls (the soak makes one MQ call every 200 ms); 0: back to back. */
const PAUSE_MS = Number(process.argv[4] ?? 0);
/** Also GET /health after every n-th call (the soak probes it every 10 s); 0: never. */
const HEALTH_EVERY = Number(process.argv[5] ?? 0);
/** 'nogc': samples do not force a GC (what the soak sees), except the last one, taken before and after a GC. */
const NO_GC = process.argv[6] === 'nogc';
const run = `mqheap${Date.now().toString(36)}`;
const dir = join(repoRoot, 'tmp', 'mq-heap', run);
mkdirSync(dir, { recursive: true });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const app = await startApp('mq', {
  portEnv: 'MQ_PORT',
  env: { WHARF_MQ_REDIS_PREFIX: `wharf:${run}:mq:`, WHARF_MQ_DATA_DIR: join(dir, 'data'), WHARF_MQ_ACTIVEMQ_STRATEGY: 'off', NODE_OPTIONS: '--expose-gc --inspect=127.0.0.1:0' },
  timeoutMs: 90_000,
});
const mq = new MqClient({ endpoint: app.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

/** Live heap bytes after a full GC, asked of mq through its inspector (Runtime.evaluate of gc() + memoryUsage). */
let ws;
let nextId = 1;
async function liveHeap(gc = true) {
  if (!ws) {
    const url = /ws:\/\/[^\s]+/.exec(app.output())?.[0];
    if (!url) throw new Error('no inspector URL in mq output');
    ws = new WebSocket(url);
    await new Promise((r, j) => { ws.onopen = r; ws.onerror = j; });
  }
  const id = nextId++;
  const answer = new Promise((r) => { ws.onmessage = (m) => { const d = JSON.parse(m.data); if (d.id === id) r(d.result.result.value); }; });
  ws.send(JSON.stringify({ id, method: 'Runtime.evaluate', params: { expression: `${gc ? 'gc(); gc(); ' : ''}JSON.stringify(process.memoryUsage())`, returnByValue: true } }));
  const u = JSON.parse(await answer);
  return { total: u.heapUsed, heapTotal: u.heapTotal, rss: u.rss, external: u.external };
}

const broker = await mq.send(new CreateBrokerCommand({
  BrokerName: run, EngineType: 'RABBITMQ', EngineVersion: '3.13', HostInstanceType: 'mq.m5.large', DeploymentMode: 'SINGLE_INSTANCE',
  PubliclyAccessible: false, AutoMinorVersionUpgrade: true, Users: [{ Username: `u${run}`, Password: 'soak-password-1' }],
}));
const ops = [
  () => new DescribeBrokerCommand({ BrokerId: broker.BrokerId }),
  () => new ListBrokersCommand({}),
  () => new DescribeBrokerEngineTypesCommand({}),
  () => new DescribeBrokerInstanceOptionsCommand({ EngineType: 'RABBITMQ' }),
  (i) => new CreateTagsCommand({ ResourceArn: broker.BrokerArn, Tags: { soak: String(i) } }),
  () => new ListTagsCommand({ ResourceArn: broker.BrokerArn }),
  () => new DeleteTagsCommand({ ResourceArn: broker.BrokerArn, TagKeys: ['soak'] }),
];
const samples = [];
const t0 = Date.now();
try {
  for (let i = 0; i <= CALLS; i++) {
    if (app.child.exitCode !== null || app.child.signalCode) throw new Error(`mq exited: ${app.output().slice(-3000)}`);
    if (i % PERIOD === 0) {
      if (NO_GC && i === CALLS) {
        const u = await liveHeap(false);
        console.log(`${String(i).padStart(7)} calls ${((Date.now() - t0) / 1000).toFixed(0).padStart(5)} s  heap used (no GC) ${(u.total / 1024 / 1024).toFixed(2)} MiB  rss ${(u.rss / 1024 / 1024).toFixed(1)} MiB; forcing a GC:`);
      }
      const h = await liveHeap(!NO_GC || i === CALLS);
      samples.push({ calls: i, heap: h.total });
      console.log(`${String(i).padStart(7)} calls ${((Date.now() - t0) / 1000).toFixed(0).padStart(5)} s  ${NO_GC && i < CALLS ? 'heap used (no GC)' : 'heap after GC'} ${(h.total / 1024 / 1024).toFixed(2)} MiB  heapTotal ${(h.heapTotal / 1024 / 1024).toFixed(1)} MiB  external ${(h.external / 1024 / 1024).toFixed(2)} MiB  rss ${(h.rss / 1024 / 1024).toFixed(1)} MiB`);
    }
    if (i < CALLS) await mq.send(ops[i % ops.length](i));
    if (HEALTH_EVERY && i % HEALTH_EVERY === 0) await fetch(`${app.url}/health`).then((r) => r.text());
    if (PAUSE_MS) await sleep(PAUSE_MS);
  }
  const half = samples.filter((s) => s.calls >= CALLS / 2);
  const a = half[0], b = half.at(-1);
  if (!NO_GC) console.log(`live heap growth over the second half: ${(((b.heap - a.heap) / (b.calls - a.calls)) * 10_000 / 1024).toFixed(1)} KiB per 10k calls`);
} catch (err) {
  console.error(`${err}\nmq exit ${app.child.exitCode ?? app.child.signalCode}; its output:\n${app.output().slice(-3000)}`);
  process.exitCode = 1;
} finally {
  await mq.send(new DeleteBrokerCommand({ BrokerId: broker.BrokerId })).catch(() => undefined);
  mq.destroy();
  ws?.close();
  await app.stop();
  rmSync(dir, { recursive: true, force: true });
}
