import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { AwsQueryProtocol } from '@aws-sdk/core/protocols';
import { type AppProcess, deleteRedisKeys, startApp, uniqueId } from '@wharf/testing';

export type Protocol = 'json' | 'query';
export const PROTOCOLS: Protocol[] = ['json', 'query'];
export const REDIS_URL = process.env.WHARF_REDIS_URL ?? 'redis://127.0.0.1:6380';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * The official SDK in either wire protocol. JSON is its default (AWS JSON 1.0); for Query it is given
 * the SDK's own AwsQueryProtocol with SQS's namespace and version, so requests are serialized from
 * the SQS model's schemas as form posts and XML answers parsed by the SDK — a real Query client.
 */
export function sqsClient(endpoint: string, protocol: Protocol): SQSClient {
  const client = new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
    ...(protocol === 'query'
      ? {
          protocol: AwsQueryProtocol,
          protocolSettings: {
            defaultNamespace: 'com.amazonaws.sqs',
            xmlNamespace: 'http://queue.amazonaws.com/doc/2012-11-05/',
            version: '2012-11-05',
          },
        }
      : {}),
  } as never);
  return client;
}

/** Starts the built sqs app on a free port with its own Redis key prefix. */
export async function startSqs(env: Record<string, string> = {}, prefix = `wharf:it:${uniqueId('sqs')}:`): Promise<SqsApp> {
  const app = await startApp('sqs', {
    portEnv: 'SQS_PORT',
    env: { SQS_REDIS_PREFIX: prefix, SQS_DELETE_RECREATE_MS: '2000', WHARF_REDIS_URL: REDIS_URL, ...env },
  });
  return Object.assign(app, { prefix });
}
export type SqsApp = AppProcess & { prefix: string };

/** Removes every key a test run wrote. */
export function cleanupPrefix(prefix: string): Promise<void> {
  return deleteRedisKeys(prefix, REDIS_URL);
}

/** Debian's AWS CLI 2.9 (Query for SQS), when installed. */
export const AWS_CLI = '/usr/bin/aws';
export async function awsCli(endpoint: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(AWS_CLI, ['--endpoint-url', endpoint, '--output', 'json', ...args], {
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_PAGER: '',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The error a call failed with (or throws when it did not fail). */
export async function failure(p: Promise<unknown>): Promise<{ name: string; status?: number; code?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; Code?: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, status: err.$metadata?.httpStatusCode, code: err.Code, message: err.message };
  }
  throw new Error('expected the call to fail');
}
