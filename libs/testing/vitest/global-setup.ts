// Vitest globalSetup for tools/containers/vitest.config.ts: with WHARF_TEST_BROKERS=containers, start the
// brokers once for the run and hand their variables to every test file (vitest's provide/inject).
import type { TestProject } from 'vitest/node';
import { ALL_BROKERS, brokerMode, startBrokerContainers, type BrokerContainers, type BrokerKind } from '../src/brokers';

declare module 'vitest' {
  export interface ProvidedContext { wharfBrokerEnv: Record<string, string> }
}

let containers: BrokerContainers | undefined;

export async function setup(project: TestProject): Promise<void> {
  if (brokerMode() !== 'containers') { project.provide('wharfBrokerEnv', {}); return; }
  const kinds = (process.env.WHARF_TEST_BROKER_SET?.split(',').filter(Boolean) as BrokerKind[] | undefined) ?? [...ALL_BROKERS];
  const t0 = Date.now();
  containers = await startBrokerContainers(kinds);
  console.log(`[wharf] broker containers (${kinds.join(', ')}) up in ${Date.now() - t0} ms:`, containers.env);
  project.provide('wharfBrokerEnv', containers.env);
}

export async function teardown(): Promise<void> {
  await containers?.stop();
}
