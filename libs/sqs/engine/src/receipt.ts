import { Errors } from './errors';
import type { QueueRef } from './names';

const PREFIX = 'wq1';

/** Receipt handle: opaque base64 of queue, message id and the token of this particular receive. */
export function encodeReceiptHandle(q: QueueRef, id: string, token: string): string {
  return Buffer.from(`${PREFIX}\n${q.account}/${q.name}\n${id}\n${token}`, 'utf8').toString('base64');
}

export function decodeReceiptHandle(handle: unknown, q: QueueRef): { id: string; token: string } {
  if (handle === undefined || handle === null || handle === '') throw Errors.missingParameter('ReceiptHandle');
  const h = String(handle);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(h)) throw Errors.receiptHandleIsInvalid(h);
  const parts = Buffer.from(h, 'base64').toString('utf8').split('\n');
  if (parts.length !== 4 || parts[0] !== PREFIX || parts[1] !== `${q.account}/${q.name}` || !parts[2] || !parts[3]) {
    throw Errors.receiptHandleIsInvalid(h);
  }
  return { id: parts[2], token: parts[3] };
}
