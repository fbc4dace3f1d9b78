import { createServer } from 'node:net';
import { expect, it } from 'vitest';
import { ManagementClient, type Overview } from './management-client';

const real = (process.env.WHARF_RABBITMQ_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672').split(',')[0];

/** A port nothing listens on (bound, then closed): what a dead node's management port is. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

it('with several management URLs, a node that cannot be reached is passed over and the next one answers', async () => {
  const dead = `http://guest:guest@127.0.0.1:${await deadPort()}`;
  const client = new ManagementClient(`${dead}, ${real}`);
  expect(client.baseUrl).toBe(new URL(dead).origin);
  const overview = await client.get<Overview>('/overview');
  expect(overview?.rabbitmq_version).toMatch(/^\d+\.\d+/);
  expect(client.baseUrl).toBe(new URL(real).origin);
  // An HTTP answer (here 404) is the cluster's answer: no failover, no error for find().
  expect(await client.find('/vhosts/wharf-no-such-vhost')).toBeUndefined();
  expect(client.baseUrl).toBe(new URL(real).origin);
});

it('says which nodes it tried when none can be reached', async () => {
  const client = new ManagementClient(`http://127.0.0.1:${await deadPort()},http://127.0.0.1:${await deadPort()}`);
  await expect(client.get('/overview')).rejects.toThrow(/unreachable \(http:\/\/127\.0\.0\.1:\d+: .*; http:\/\/127\.0\.0\.1:\d+: /);
});
