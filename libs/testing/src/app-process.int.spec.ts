import { describe, expect, it } from 'vitest';
import { startApp } from './app-process';
import { uniqueId } from './ids';
import { deleteRedisKeys } from './redis-keys';

describe('startApp', () => {
  it('refuses a port another app answers on, which would otherwise take the new app\'s traffic', async () => {
    const id = uniqueId('appport');
    const prefixes = [`wharf:it:${id}:sqs:`, `wharf:it:${id}:kinesis`];
    const sqs = await startApp('sqs', { portEnv: 'SQS_PORT', env: { SQS_REDIS_PREFIX: prefixes[0] } });
    try {
      const kinesis = startApp('kinesis', { portEnv: 'KINESIS_PORT', port: sqs.port, env: { KINESIS_REDIS_PREFIX: prefixes[1], KINESIS_TOPIC_PREFIX: `wharf.it.${id}` } });
      await expect(kinesis).rejects.toThrow(`kinesis: port ${sqs.port} is answered by sqs, not by this process`);
      // the app that holds the port is untouched
      expect((await fetch(`${sqs.url}/health`)).status).toBe(200);
    } finally {
      await sqs.stop();
      await deleteRedisKeys(prefixes);
    }
  });
});
