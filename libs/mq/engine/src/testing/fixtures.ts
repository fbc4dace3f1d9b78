import type { CreateBrokerRequest } from '@aws-sdk/client-mq';
import { AwsError } from '@wharf/aws-protocol';
import type { Caller } from '@wharf/engine-kit';
import { ManualClock } from '@wharf/engine-kit/testing';
import { expect } from 'vitest';
import { MqContext } from '../context';
import { errorAttributeOf } from '../errors';
import { FakeBackend } from './fake-backend';
import { InMemoryStore } from './in-memory-store';

export const PASSWORD = 'correct-horse-battery';

/** A context on fake ACTIVEMQ and RABBITMQ backends and a manual clock; pass a store to "restart mq" over it. */
export function testContext(defaults: Caller, store = new InMemoryStore()) {
  const clock = new ManualClock('2024-05-01T10:00:00.000Z');
  const activemq = new FakeBackend('ACTIVEMQ');
  const rabbit = new FakeBackend('RABBITMQ');
  const ctx = new MqContext({ store, backends: [activemq, rabbit], defaults, clock });
  return { ctx, clock, activemq, rabbit, store };
}

export const activeMq = (over: Partial<CreateBrokerRequest> = {}): CreateBrokerRequest => ({
  BrokerName: 'orders',
  EngineType: 'ACTIVEMQ',
  DeploymentMode: 'SINGLE_INSTANCE',
  HostInstanceType: 'mq.m5.large',
  PubliclyAccessible: false,
  Users: [{ Username: 'app', Password: PASSWORD }],
  ...over,
});

export const rabbitMq = (over: Partial<CreateBrokerRequest> = {}): CreateBrokerRequest => ({
  ...activeMq({ BrokerName: 'events', EngineType: 'RABBITMQ', Users: [{ Username: 'admin', Password: PASSWORD }] }),
  ...over,
});

/** Expects `p` to fail with the AwsError `code` naming `attribute`; returns the error. */
export async function rejects(p: Promise<unknown>, code: string, attribute?: string): Promise<AwsError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AwsError);
  expect((err as AwsError).code).toBe(code);
  if (attribute) expect(errorAttributeOf(err)).toBe(attribute);
  return err as AwsError;
}
