// What the kill -9 tests of the `mq` service share: an ActiveMQ broker created through mq, the processes that
// run it (read from /proc, as a separate observer would), and mq's own view of who supervises.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBrokerCommand, DescribeBrokerCommand, MqClient, type DescribeBrokerResponse } from '@aws-sdk/client-mq';
import { uniqueId } from '@wharf/testing';
import { PASSWORD, endpoint, waitForState } from '../../apps/mq/test/harness';

export const MQ_USER = { user: 'kill-matrix', password: PASSWORD };

export function mqClient(url: string): MqClient {
  return new MqClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
}

/** An ACTIVEMQ broker through mq's API, RUNNING: its id, STOMP port (cleartext endpoints) and DescribeBroker answer. */
export async function createActiveMqBroker(url: string, mode: 'SINGLE_INSTANCE' | 'ACTIVE_STANDBY_MULTI_AZ' = 'SINGLE_INSTANCE'): Promise<{ id: string; stomp: number; described: DescribeBrokerResponse }> {
  const client = mqClient(url);
  try {
    const { BrokerId } = await client.send(new CreateBrokerCommand({
      BrokerName: uniqueId('kill'), EngineType: 'ACTIVEMQ', DeploymentMode: mode, PubliclyAccessible: false,
      HostInstanceType: mode === 'SINGLE_INSTANCE' ? 'mq.t3.micro' : 'mq.m5.large',
      Users: [{ Username: MQ_USER.user, Password: MQ_USER.password }],
    }));
    const described = await waitForState(client, BrokerId as string, 'RUNNING', 240_000);
    return { id: BrokerId as string, stomp: Number(endpoint(described, 'stomp').port), described };
  } finally {
    client.destroy();
  }
}

export async function describeBroker(url: string, id: string): Promise<DescribeBrokerResponse> {
  const client = mqClient(url);
  try {
    return await client.send(new DescribeBrokerCommand({ BrokerId: id }));
  } finally {
    client.destroy();
  }
}

/**
 * The processes of each instance of a broker: the pid its pid file names (alive or not) and every live process
 * whose command line runs that instance's broker.xml — one per instance when nothing was started twice.
 */
export function brokerProcesses(dataDir: string, brokerId: string): Array<{ instance: string; pidFile?: number; alive: boolean; running: number[] }> {
  const dir = join(dataDir, brokerId);
  const instances = readdirSync(dir).filter((d) => d.startsWith('instance-')).sort();
  const cmdlines = readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map((pid) => {
    try { return { pid: Number(pid), args: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0') }; } catch { return { pid: Number(pid), args: [] }; }
  });
  return instances.map((instance) => {
    const xml = `xbean:file:${join(dir, instance, 'broker.xml')}`;
    let pidFile: number | undefined;
    try { pidFile = Number(readFileSync(join(dir, instance, 'broker.pid'), 'utf8').trim()); } catch { pidFile = undefined; }
    const running = cmdlines.filter((c) => c.args.includes(xml)).map((c) => c.pid);
    return { instance, pidFile, alive: pidFile !== undefined && running.includes(pidFile), running };
  });
}

/** mq's /health detail of supervision: does this replica supervise the broker processes now? */
export async function supervises(url: string): Promise<boolean> {
  try {
    const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
    const body = (await r.json()) as { checks?: { supervision?: { detail?: { supervisor?: boolean } } } };
    return body.checks?.supervision?.detail?.supervisor === true;
  } catch {
    return false;
  }
}

/** Endpoints of every instance, as DescribeBroker lists them, for comparing before and after. */
export function endpointsOf(d: DescribeBrokerResponse): string[] {
  return (d.BrokerInstances ?? []).flatMap((i) => i.Endpoints ?? []).sort();
}
