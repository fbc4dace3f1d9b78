import { randomUUID } from 'node:crypto';

export const newBrokerId = (): string => `b-${randomUUID()}`;
export const newConfigurationId = (): string => `c-${randomUUID()}`;

export interface Scope {
  region: string;
  accountId: string;
}

export const brokerArn = (s: Scope, name: string, id: string): string => `arn:aws:mq:${s.region}:${s.accountId}:broker:${name}:${id}`;
export const configurationArn = (s: Scope, id: string): string => `arn:aws:mq:${s.region}:${s.accountId}:configuration:${id}`;

export const BROKER_ID = /^b-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const CONFIGURATION_ID = /^c-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `arn:aws:mq:<region>:<account>:broker:<name>:<id>` or `…:configuration:<id>` → its kind and id. */
export function parseMqArn(arn: string): { kind: 'broker' | 'configuration'; id: string } | undefined {
  const parts = arn.split(':');
  if (parts.length < 7 || parts[0] !== 'arn' || parts[2] !== 'mq') return undefined;
  if (parts[5] === 'broker' && parts.length === 8) return { kind: 'broker', id: parts[7] };
  if (parts[5] === 'configuration' && parts.length === 7) return { kind: 'configuration', id: parts[6] };
  return undefined;
}
