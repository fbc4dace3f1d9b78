import { afterAll, describe, expect, it } from 'vitest';
import { activemqPairCheck, kafkaCheck, rabbitmqCheck, redisCheck, type BrokerCheck } from './broker-checks';

// The checks against the real brokers on this machine (`npm run brokers:up`; tools/test.sh brings them up).
const env = (name: string, fallback: string) => process.env[name] || fallback;
const opened: BrokerCheck[] = [];
const keep = <T extends BrokerCheck>(c: T) => (opened.push(c), c);
afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
});

describe('broker checks on the real brokers', () => {
  it('redis: PING on a kept connection, with the server version', async () => {
    const check = keep(redisCheck(env('WHARF_REDIS_URL', 'redis://127.0.0.1:6380')));
    const first = await check.check();
    expect(first).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+/) });
    // The second check answers too, on the kept connection, with the same server.
    const second = (await check.check()) as { version: string; latencyMs: number };
    expect(second.version).toBe((first as { version: string }).version);
    expect(second.latencyMs).toBeGreaterThan(0);
  });

  it('rabbitmq: passive declare of amq.direct, with product and version', async () => {
    const check = keep(rabbitmqCheck(env('WHARF_AMQP_URL', 'amqp://guest:guest@127.0.0.1:5672')));
    expect(await check.check()).toMatchObject({ product: 'RabbitMQ', version: expect.stringMatching(/^\d+\.\d+/), url: expect.stringContaining('***') });
    expect(await check.check()).toMatchObject({ product: 'RabbitMQ' });
  });

  it('kafka: cluster description with brokers and controller', async () => {
    const check = keep(kafkaCheck(env('WHARF_KAFKA_BROKERS', '127.0.0.1:9092').split(',')));
    expect(await check.check()).toMatchObject({ brokers: 1, controller: expect.any(Number) });
  });

  it('activemq pair: exactly one instance serves OpenWire', async () => {
    const check = activemqPairCheck([
      { name: 'a', host: '127.0.0.1', port: 61616 },
      { name: 'b', host: '127.0.0.1', port: 61626 },
    ]);
    const detail = (await check.check()) as { active: string; instances: Record<string, { state: string }> };
    expect(['a', 'b']).toContain(detail.active);
    const other = detail.active === 'a' ? 'b' : 'a';
    expect(detail.instances[detail.active]?.state).toBe('active');
    expect(detail.instances[other]?.state).toBe('standby or down');
  });
});
