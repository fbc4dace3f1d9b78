import type { Caller } from '@wharf/engine-kit';
import { Errors } from './errors';

/** A queue's identity: its owner account and name. */
export interface QueueRef {
  account: string;
  name: string;
}

const STANDARD_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const FIFO_NAME = /^[A-Za-z0-9_-]{1,75}\.fifo$/;
const ACCOUNT = /^\d{12}$/;

export const isFifoName = (name: string) => name.endsWith('.fifo');

export function validateQueueName(name: string, fifo: boolean): void {
  if (fifo ? !FIFO_NAME.test(name) : !STANDARD_NAME.test(name)) {
    throw Errors.invalidParameterValue(
      fifo
        ? 'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.'
        : 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
    );
  }
}

export const queueArn = (region: string, q: QueueRef) => `arn:aws:sqs:${region}:${q.account}:${q.name}`;
/** `<origin>/<account>/<name>`; `origin` is SQS_PUBLIC_URL or the one the request came to. */
export const queueUrl = (origin: string, q: QueueRef) => `${origin.replace(/\/+$/, '')}/${q.account}/${q.name}`;

/**
 * Resolves a QueueUrl parameter: `<origin>/<account>/<name>` (account = second-to-last path segment; a bare
 * name is the caller's own queue). A queue of another account is refused (Wharf has no cross-account queue
 * policies): AccessDenied, as AWS answers without a policy that grants the caller.
 */
export function parseQueueUrl(url: string | undefined, caller: Pick<Caller, 'accountId'>): QueueRef {
  if (url === undefined || url === null || url === '') throw Errors.missingParameter('QueueUrl');
  if (typeof url !== 'string') throw Errors.invalidAddress(String(url));
  let path: string;
  if (/^https?:\/\//i.test(url)) {
    try {
      path = new URL(url).pathname;
    } catch {
      throw Errors.invalidAddress(url);
    }
  } else {
    path = url;
  }
  const parts = path.split('/').filter((p) => p !== '');
  const name = parts[parts.length - 1];
  const account = parts.length >= 2 ? parts[parts.length - 2] : caller.accountId;
  if (!name || parts.length > 2 || !ACCOUNT.test(account) || !(STANDARD_NAME.test(name) || FIFO_NAME.test(name))) {
    throw Errors.invalidAddress(url);
  }
  if (account !== caller.accountId) throw Errors.accessDenied(url);
  return { account, name };
}

/** `arn:aws:sqs:<region>:<account>:<name>` → QueueRef, or undefined when it is not a queue ARN. */
export function parseQueueArn(arn: unknown): (QueueRef & { region: string }) | undefined {
  if (typeof arn !== 'string') return undefined;
  const m = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]{1,80})$/.exec(arn);
  if (!m) return undefined;
  return { region: m[1], account: m[2], name: m[3] };
}

export const queueKey = (q: QueueRef) => `${q.account}/${q.name}`;
