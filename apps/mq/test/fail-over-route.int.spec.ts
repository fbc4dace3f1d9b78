import { DescribeBrokerCommand, RebootBrokerCommand } from '@aws-sdk/client-mq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPair, startMq, type MqHarness } from './harness';

const roles = async (h: MqHarness, id: string) =>
  ((await (await fetch(`${h.app.url}/_wharf/mq/brokers/${id}/instances`)).json()) as { instances: { role: string }[] }).instances.map((i) => i.role);

// The console's "fail over" button: POST /_wharf/mq/brokers/<id>/fail-over stops the active instance of a
// pair, the standby takes the shared KahaDB lock, the stopped one comes back as the standby.
describe('POST /_wharf/mq/brokers/<id>/fail-over', () => {
  let h: MqHarness;
  let brokerId: string;

  beforeAll(async () => {
    h = await startMq({ WHARF_RABBITMQ_MANAGEMENT_URL: '' });
    brokerId = await createPair(h, 'fo', '5.19');
  }, 240_000);

  afterAll(async () => {
    await h?.close();
  }, 120_000);

  it('hands the active role to the standby, and the stopped instance returns as the standby', async () => {
    let before: string[] = [];
    for (let i = 0; i < 120 && !(before = await roles(h, brokerId)).includes('standby'); i++) await new Promise((r) => setTimeout(r, 500));
    const active = before.indexOf('active');
    expect(before.sort()).toEqual(['active', 'standby']);
    const res = await fetch(`${h.app.url}/_wharf/mq/brokers/${brokerId}/fail-over`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ brokerId, stopped: active + 1 });
    let after: string[] = [];
    for (let i = 0; i < 240; i++) {
      after = await roles(h, brokerId);
      if (after[1 - active] === 'active' && after[active] === 'standby') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(after[1 - active]).toBe('active');
    expect(after[active]).toBe('standby');
    expect((await h.client.send(new DescribeBrokerCommand({ BrokerId: brokerId }))).BrokerState).toBe('RUNNING');
  }, 180_000);

  // Failed before the fix (REBOOT_FAILED "instance 2 … exited while starting"): the reboot judged the stopped
  // standby's old pid while waiting for instance 1 to come up.
  it('RebootBroker of the pair ends RUNNING with an active and a standby instance', async () => {
    await h.client.send(new RebootBrokerCommand({ BrokerId: brokerId }));
    let d = await h.client.send(new DescribeBrokerCommand({ BrokerId: brokerId }));
    for (let i = 0; i < 480 && d.BrokerState === 'REBOOT_IN_PROGRESS'; i++) {
      await new Promise((r) => setTimeout(r, 500));
      d = await h.client.send(new DescribeBrokerCommand({ BrokerId: brokerId }));
    }
    expect({ state: d.BrokerState, actionsRequired: d.ActionsRequired ?? [] }).toEqual({ state: 'RUNNING', actionsRequired: [] });
    let after: string[] = [];
    for (let i = 0; i < 240 && (after = await roles(h, brokerId)).slice().sort().join() !== 'active,standby'; i++) await new Promise((r) => setTimeout(r, 500));
    expect(after.sort()).toEqual(['active', 'standby']);
  }, 300_000);

  it('answers 404 for an unknown broker', async () => {
    const res = await fetch(`${h.app.url}/_wharf/mq/brokers/b-00000000-0000-0000-0000-000000000000/fail-over`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { __type: string }).__type).toBe('NotFoundException');
  });
});
