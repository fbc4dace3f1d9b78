import type { Caller } from '@wharf/engine-kit';
import { describe, expect, it } from 'vitest';
import { reloadDefinitions, resumeBrokers, superviseBrokers } from './broker-lifecycle';
import { MqContext } from './context';
import { RebootBroker } from './ops/broker-updates';
import { CreateBroker, DeleteBroker, DescribeBroker } from './ops/brokers';
import { FakeBackend, InMemoryStore, activeMq, deferred } from './testing';

// Two replicas of `mq` over one store: only the one holding the lease runs transitions; the other's API calls
// only write the requested state, which the supervisor picks up; a takeover adopts what runs.

const caller: Caller = { region: 'eu-west-1', accountId: '123456789012', requestId: 'test' };

function replica(store: InMemoryStore, supervisor: boolean) {
  const lease = { held: supervisor };
  const backend = new FakeBackend('ACTIVEMQ');
  const ctx = new MqContext({ store, backends: [backend], defaults: caller, supervision: { isSupervisor: () => lease.held } });
  return { ctx, backend, lease };
}

describe('mq replicas: one supervisor of broker processes', () => {
  it('a standby only records CreateBroker; the supervisor provisions it on its tick, once', async () => {
    const store = new InMemoryStore();
    const a = replica(store, true);
    const b = replica(store, false);
    await resumeBrokers(a.ctx);
    const { BrokerId } = await CreateBroker(b.ctx, activeMq(), caller);
    await b.ctx.settled(BrokerId as string);
    expect(b.backend.calls).toEqual([]);
    expect(store.brokers.get(BrokerId as string)?.state).toBe('CREATION_IN_PROGRESS');

    await superviseBrokers(a.ctx);
    await a.ctx.settled(BrokerId as string);
    await superviseBrokers(a.ctx); // nothing new: no second provision
    await a.ctx.settled(BrokerId as string);
    expect(a.backend.calls).toEqual([`provision ${BrokerId}`]);
    await reloadDefinitions(b.ctx);
    expect((await DescribeBroker(b.ctx, { BrokerId }, caller)).BrokerState).toBe('RUNNING');
  });

  it('RebootBroker and DeleteBroker through the standby run on the supervisor', async () => {
    const store = new InMemoryStore();
    const a = replica(store, true);
    const b = replica(store, false);
    const { BrokerId } = await CreateBroker(a.ctx, activeMq(), caller);
    await a.ctx.settled(BrokerId as string);
    await reloadDefinitions(b.ctx);
    await RebootBroker(b.ctx, { BrokerId }, caller);
    await superviseBrokers(a.ctx);
    await a.ctx.settled(BrokerId as string);
    expect(store.brokers.get(BrokerId as string)?.state).toBe('RUNNING');
    await reloadDefinitions(b.ctx);
    await DeleteBroker(b.ctx, { BrokerId }, caller);
    await superviseBrokers(a.ctx);
    await a.ctx.settled(BrokerId as string);
    expect(a.backend.calls).toEqual([`provision ${BrokerId}`, `reboot ${BrokerId}`, `destroy ${BrokerId}`]);
    expect(b.backend.calls).toEqual([]);
    expect(store.brokers.has(BrokerId as string)).toBe(false);
  });

  it('a supervisor that lost its lease mid-transition writes nothing; the new one redoes the step and adopts the rest', async () => {
    const store = new InMemoryStore();
    const a = replica(store, true);
    const b = replica(store, false);
    const { BrokerId: running } = await CreateBroker(a.ctx, activeMq({ BrokerName: 'running' }), caller);
    await a.ctx.settled(running as string);
    const gate = deferred();
    a.backend.gate = gate.promise;
    const { BrokerId: creating } = await CreateBroker(a.ctx, activeMq({ BrokerName: 'creating' }), caller);

    // A is paused past its lease; B takes over
    a.lease.held = false;
    b.lease.held = true;
    gate.resolve();
    await a.ctx.settled(creating as string);
    expect(store.brokers.get(creating as string)?.state).toBe('CREATION_IN_PROGRESS');

    await resumeBrokers(b.ctx);
    await Promise.all([b.ctx.settled(running as string), b.ctx.settled(creating as string)]);
    expect(b.backend.calls.sort()).toEqual([`attach ${running}`, `provision ${creating}`].sort());
    expect(store.brokers.get(creating as string)?.state).toBe('RUNNING');
    // the old supervisor's tick does nothing any more
    await superviseBrokers(a.ctx);
    expect(a.backend.calls).toEqual([`provision ${running}`, `provision ${creating}`]);
  });

  it('a supervisor whose trust lapsed for a moment mid-reboot (a stall, lease still held) redoes the reboot on its next tick', async () => {
    const store = new InMemoryStore();
    const a = replica(store, true);
    const { BrokerId } = await CreateBroker(a.ctx, activeMq(), caller);
    await a.ctx.settled(BrokerId as string);
    const gate = deferred();
    a.backend.gate = gate.promise;
    await RebootBroker(a.ctx, { BrokerId }, caller);
    // the event loop or Redis stalled past the trusted share of the lease: the step is abandoned...
    a.lease.held = false;
    gate.resolve();
    await a.ctx.settled(BrokerId as string);
    expect(store.brokers.get(BrokerId as string)?.state).toBe('REBOOT_IN_PROGRESS');
    // ...and the next renewal succeeds: no takeover happened, so nothing calls resumeBrokers; the tick must
    a.backend.gate = undefined;
    a.lease.held = true;
    await superviseBrokers(a.ctx);
    await a.ctx.settled(BrokerId as string);
    expect(store.brokers.get(BrokerId as string)?.state).toBe('RUNNING');
    expect(a.backend.calls).toEqual([`provision ${BrokerId}`, `reboot ${BrokerId}`, `reboot ${BrokerId}`]);
  });

  it('a reload that read the store before a write of this replica landed keeps the newer record', async () => {
    const store = new InMemoryStore();
    const a = replica(store, true);
    const { BrokerId } = await CreateBroker(a.ctx, activeMq(), caller);
    await a.ctx.settled(BrokerId as string);
    const b = replica(store, false);
    await reloadDefinitions(b.ctx);
    // the store answers the reload with what it held when asked, but late
    const gate = deferred();
    const load = store.loadBrokers.bind(store);
    store.loadBrokers = async () => { const snapshot = await load(); await gate.promise; return snapshot; };
    const reload = reloadDefinitions(b.ctx);
    await RebootBroker(b.ctx, { BrokerId }, caller);
    const { BrokerId: created } = await CreateBroker(b.ctx, activeMq({ BrokerName: 'new' }), caller);
    gate.resolve();
    await reload;
    expect(b.ctx.brokers.get(BrokerId as string)?.state).toBe('REBOOT_IN_PROGRESS');
    expect(b.ctx.brokers.has(created as string)).toBe(true);
  });

  it('DeleteBroker through the standby while the supervisor is still creating the broker: created, then deleted', async () => {
    const store = new InMemoryStore();
    const a = replica(store, true);
    const b = replica(store, false);
    const gate = deferred();
    a.backend.gate = gate.promise;
    const { BrokerId } = await CreateBroker(a.ctx, activeMq(), caller);
    await reloadDefinitions(b.ctx);
    await DeleteBroker(b.ctx, { BrokerId }, caller);
    await superviseBrokers(a.ctx); // sees the request while the creation step holds the record
    gate.resolve();
    await a.ctx.settled(BrokerId as string);
    expect(a.backend.calls).toEqual([`provision ${BrokerId}`, `destroy ${BrokerId}`]);
    expect(store.brokers.has(BrokerId as string)).toBe(false);
  });
});
