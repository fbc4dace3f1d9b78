import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBrokerCommand, DescribeBrokerCommand, DeleteBrokerCommand, ListBrokersCommand, MqClient, type DescribeBrokerResponse } from '@aws-sdk/client-mq';
import { deleteRedisKeys, listenerPortRange, repoRoot, startApp, uniqueId, type AppProcess } from '@wharf/testing';

export const PASSWORD = 'Wharf-test-pass-123';

export interface MqHarness {
  app: AppProcess;
  client: MqClient;
  id: string;
  prefix: string;
  dataDir: string;
  portRange: [number, number];
  env: Record<string, string>;
  /** Starts the same mq again (same Redis prefix, data dir and ports) after `app.kill()` / `app.stop()`. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the BUILT mq app with its own Redis prefix, data folder and ActiveMQ port block, so test files
 * run side by side. close() deletes every broker it made, then removes whatever is left.
 */
export async function startMq(extraEnv: Record<string, string> = {}): Promise<MqHarness> {
  const id = uniqueId('mq');
  const prefix = `wharf:mq:test:${id}:`;
  const dataDir = join(repoRoot, 'tmp', 'mq-test', id);
  // 100 ports below the kernel's ephemeral range, so no outgoing connection takes one meanwhile
  const portRange = listenerPortRange(100);
  const env = {
    WHARF_MQ_REDIS_PREFIX: prefix,
    WHARF_MQ_DATA_DIR: dataDir,
    WHARF_MQ_ACTIVEMQ_PORTS: `${portRange[0]}-${portRange[1]}`,
    // RABBITMQ brokers' TLS listeners on free ports: 5671, 8883, … belong to the Wharf `npm start` runs
    WHARF_MQ_RABBITMQ_TLS_PORTS: '0',
    ...extraEnv,
  };
  const h: MqHarness = {
    app: await startApp('mq', { portEnv: 'MQ_PORT', env }),
    client: undefined as unknown as MqClient,
    id,
    prefix,
    dataDir,
    portRange,
    env,
    async restart() {
      h.app = await startApp('mq', { portEnv: 'MQ_PORT', env, port: h.app.port });
    },
    async close() {
      try {
        await deleteAll(h.client);
      } finally {
        h.client.destroy();
        await h.app.stop();
        if (process.env.WHARF_MQ_TEST_KEEP) mkdirSync(dataDir, { recursive: true });
        if (process.env.WHARF_MQ_TEST_KEEP) writeFileSync(join(dataDir, 'mq.log'), h.app.output());
        killLeftovers(dataDir);
        if (!process.env.WHARF_MQ_TEST_KEEP) rmSync(dataDir, { recursive: true, force: true });
        await deleteRedisKeys(prefix);
      }
    },
  };
  h.client = new MqClient({ endpoint: h.app.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  return h;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls DescribeBroker until the broker reaches `state` (throws on CREATION_FAILED). */
export async function waitForState(client: MqClient, brokerId: string, state: string, timeoutMs = 90_000): Promise<DescribeBrokerResponse> {
  const deadline = Date.now() + timeoutMs;
  let last: DescribeBrokerResponse | undefined;
  while (Date.now() < deadline) {
    last = await client.send(new DescribeBrokerCommand({ BrokerId: brokerId }));
    if (last.BrokerState === state) return last;
    if (last.BrokerState === 'CREATION_FAILED' && state !== 'CREATION_FAILED') {
      throw new Error(`broker ${brokerId} failed: ${JSON.stringify(last.ActionsRequired)}`);
    }
    await sleep(200);
  }
  throw new Error(`broker ${brokerId} not ${state} within ${timeoutMs} ms (last: ${last?.BrokerState})`);
}

/** An ACTIVEMQ ACTIVE_STANDBY_MULTI_AZ pair (user `app`), RUNNING; answers its id. */
export async function createPair(h: MqHarness, name: string, engineVersion: string, timeoutMs = 180_000): Promise<string> {
  const created = await h.client.send(
    new CreateBrokerCommand({
      BrokerName: `${name}-${h.id}`,
      EngineType: 'ACTIVEMQ',
      EngineVersion: engineVersion,
      DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ',
      HostInstanceType: 'mq.m5.large',
      PubliclyAccessible: false,
      Users: [{ Username: 'app', Password: PASSWORD }],
    }),
  );
  await waitForState(h.client, created.BrokerId as string, 'RUNNING', timeoutMs);
  return created.BrokerId as string;
}

/** Resolves once DescribeBroker answers 404. */
export async function waitForGone(client: MqClient, brokerId: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await client.send(new DescribeBrokerCommand({ BrokerId: brokerId }));
    } catch (err) {
      if ((err as { name?: string }).name === 'NotFoundException') return;
      throw err;
    }
    await sleep(200);
  }
  throw new Error(`broker ${brokerId} still there after ${timeoutMs} ms`);
}

async function deleteAll(client: MqClient): Promise<void> {
  const { BrokerSummaries = [] } = await client.send(new ListBrokersCommand({ MaxResults: 100 }));
  for (const b of BrokerSummaries) await client.send(new DeleteBrokerCommand({ BrokerId: b.BrokerId }));
  for (const b of BrokerSummaries) await waitForGone(client, b.BrokerId as string).catch(() => undefined);
}

/** Any ActiveMQ process still running from this test's data folder (after a failed test): SIGKILL. */
export function killLeftovers(dataDir: string): void {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes(dataDir)) process.kill(Number(entry), 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** The endpoint of a scheme in a DescribeBroker answer (first instance listed = the active one). */
export function endpoint(d: DescribeBrokerResponse, scheme: string, instance = 0): URL {
  const e = d.BrokerInstances?.[instance]?.Endpoints?.find((x) => x.startsWith(`${scheme}://`));
  if (!e) throw new Error(`no ${scheme} endpoint in ${JSON.stringify(d.BrokerInstances)}`);
  return new URL(e);
}
