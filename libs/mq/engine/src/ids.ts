import { randomUUID } from 'node:crypto';
import type { Caller } from '@wharf/engine-kit';

export const newBrokerId = (): string => `b-${randomUUID()}`;
export const newConfigurationId = (): string => `c-${randomUUID()}`;

/** ARNs name the caller's account and region (its signing scope, or the service's defaults). */
export const brokerArn = (c: Caller, name: string, id: string): string => `arn:aws:mq:${c.region}:${c.accountId}:broker:${name}:${id}`;
export const configurationArn = (c: Caller, id: string): string => `arn:aws:mq:${c.region}:${c.accountId}:configuration:${id}`;

/** `arn:aws:mq:<region>:<account>:broker:<name>:<id>` or `…:configuration:<id>` → its kind and id. */
export function parseMqArn(arn: string): { kind: 'broker' | 'configuration'; id: string } | undefined {
  const parts = arn.split(':');
  if (parts.length < 7 || parts[0] !== 'arn' || parts[2] !== 'mq') return undefined;
  if (parts[5] === 'broker' && parts.length === 8) return { kind: 'broker', id: parts[7] };
  if (parts[5] === 'configuration' && parts.length === 7) return { kind: 'configuration', id: parts[6] };
  return undefined;
}
