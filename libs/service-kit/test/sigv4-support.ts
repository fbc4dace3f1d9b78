import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { deleteRedisKeys, listenerPortRange, presignUrl as presignWith, repoRoot, signRequest as signWith, startApp, uniqueId, type AppProcess, type SignOptions as SignedBy } from '@wharf/testing';

/** Two accounts, as WHARF_CREDENTIALS lists them. */
export const ALICE = { accessKeyId: 'AKIDALICE0000000001', secretAccessKey: 'alice/secret+key', accountId: '111111111111' };
export const BOB = { accessKeyId: 'AKIDBOB00000000002', secretAccessKey: 'bob/secret+key', accountId: '222222222222' };
export type Key = { accessKeyId: string; secretAccessKey: string };

export const SIGV4_ENV = {
  WHARF_VERIFY_SIGV4: 'true',
  WHARF_CREDENTIALS: `${ALICE.accessKeyId}:${ALICE.secretAccessKey}:${ALICE.accountId},${BOB.accessKeyId}:${BOB.secretAccessKey}:${BOB.accountId}`,
  WHARF_REGIONS: 'us-east-1,eu-west-1',
};

/** A loaded machine (8 test runs on 2 cores) takes ~40 s to start a service. */
const START_MS = 150_000;

export interface Services {
  sqs: AppProcess;
  sns: AppProcess;
  kinesis: AppProcess;
  mq: AppProcess;
  stop(): Promise<void>;
}

/** The four BUILT services with SigV4 on, each on its own prefixes (SNS delivers to this SQS). */
export async function startServices(extra: Record<string, string> = {}): Promise<Services> {
  const id = uniqueId('sig');
  const env = { ...SIGV4_ENV, ...extra };
  const dataDir = join(repoRoot, 'tmp', 'mq-test', id);
  const [firstMqPort, lastMqPort] = listenerPortRange(100);
  const [sqs, kinesis, mq] = await Promise.all([
    startApp('sqs', { portEnv: 'SQS_PORT', timeoutMs: START_MS, env: { ...env, SQS_REDIS_PREFIX: `wharf:it:${id}:sqs:` } }),
    startApp('kinesis', { portEnv: 'KINESIS_PORT', timeoutMs: START_MS, env: { ...env, KINESIS_REDIS_PREFIX: `wharf:test:${id}`, KINESIS_TOPIC_PREFIX: `wharf.test.${id}` } }),
    startApp('mq', {
      portEnv: 'MQ_PORT',
      timeoutMs: START_MS,
      env: { ...env, WHARF_MQ_REDIS_PREFIX: `wharf:mq:test:${id}:`, WHARF_MQ_DATA_DIR: dataDir, WHARF_MQ_ACTIVEMQ_PORTS: `${firstMqPort}-${lastMqPort}`, WHARF_MQ_RABBITMQ_TLS_PORTS: '0' },
    }),
  ]);
  const sns = await startApp('sns', { portEnv: 'SNS_PORT', timeoutMs: START_MS, env: { ...env, SNS_REDIS_PREFIX: `wharf:it:${id}:sns:`, WHARF_SQS_URL: sqs.url } });
  return {
    sqs,
    sns,
    kinesis,
    mq,
    stop: async () => {
      await Promise.all([sqs, sns, kinesis, mq].map((p) => p.stop()));
      rmSync(dataDir, { recursive: true, force: true });
      await deleteRedisKeys([`wharf:it:${id}:`, `wharf:test:${id}`, `wharf:mq:test:${id}:`]);
    },
  };
}

/** @wharf/testing's SignOptions, the key ALICE unless given. */
export type SignOptions = Omit<SignedBy, 'key'> & { key?: Key };

/** signRequest of @wharf/testing, signed by ALICE unless another key is given. */
export const signRequest = (url: string, o: SignOptions) => signWith(url, { ...o, key: o.key ?? ALICE });

/** presignUrl of @wharf/testing, signed by ALICE unless another key is given. */
export const presignUrl = (url: string, path: string, query: Record<string, string>, o: { service: string; key?: Key; date?: Date; expiresIn?: number }) =>
  presignWith(url, path, query, { ...o, key: o.key ?? ALICE });

export interface Answer {
  status: number;
  /** The error code as an SDK reads it: Query <Code>, x-amzn-query-error, x-amzn-ErrorType or __type. */
  code?: string;
  message?: string;
  body: string;
}

export async function send(req: { url: string; init: RequestInit }): Promise<Answer> {
  const res = await fetch(req.url, req.init);
  return answerOf(res);
}

export async function answerOf(res: Response): Promise<Answer> {
  const body = await res.text();
  const xmlCode = /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
  const xmlMessage = /<Message>([^<]*)<\/Message>/.exec(body)?.[1];
  let json: { __type?: string; message?: string; Message?: string } = {};
  try {
    json = JSON.parse(body) as typeof json;
  } catch {
    // XML or empty
  }
  const query = res.headers.get('x-amzn-query-error')?.split(';')[0];
  const type = res.headers.get('x-amzn-errortype')?.split(':')[0] ?? json.__type?.split('#').pop();
  return { status: res.status, code: xmlCode ?? query ?? type, message: xmlMessage ?? json.message ?? json.Message, body };
}
