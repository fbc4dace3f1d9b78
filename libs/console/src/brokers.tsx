import { DescribeBrokerCommand, ListBrokersCommand, RebootBrokerCommand } from '@aws-sdk/client-mq';
import { useState } from 'preact/hooks';
import type { Aws } from './aws';
import { ActionResult, ErrorBox, useAction, usePoll } from './ui';

/** GET /_wharf/mq/brokers/<id>/instances: the instances in DescribeBroker order, with their roles. */
interface InstancesView {
  brokerId: string;
  state: string;
  instances: { endpoints: string[]; consoleURL?: string; role: 'active' | 'standby' | 'starting' | 'down'; engineVersion?: string }[];
}

export function BrokersView({ aws }: { aws: Aws }) {
  const list = usePoll(async () => (await aws.mq.send(new ListBrokersCommand({ MaxResults: 100 }))).BrokerSummaries ?? [], 3_000, []);
  return (
    <section class="detail-pane wide" data-testid="brokers">
      <h2>MQ brokers ({list.data?.length ?? '…'})</h2>
      <ErrorBox error={list.error} />
      {(list.data ?? []).map((b) => (
        <Broker aws={aws} id={b.BrokerId ?? ''} key={b.BrokerId} />
      ))}
    </section>
  );
}

function Broker({ aws, id }: { aws: Aws; id: string }) {
  const d = usePoll(async () => aws.mq.send(new DescribeBrokerCommand({ BrokerId: id })), 2_000, [id]);
  const inst = usePoll(() => aws.admin<InstancesView>('mq', `brokers/${encodeURIComponent(id)}/instances`), 2_000, [id]);
  const action = useAction();
  const [confirming, setConfirming] = useState(false);
  const b = d.data;
  const pair = b?.DeploymentMode === 'ACTIVE_STANDBY_MULTI_AZ';
  return (
    <div class="broker" data-broker={b?.BrokerName}>
      <h3>
        {b?.BrokerName ?? id} <span class={`state ${b?.BrokerState ?? ''}`}>{b?.BrokerState ?? '…'}</span>
      </h3>
      <ErrorBox error={d.error ?? inst.error} />
      <div class="muted">
        {b?.EngineType} {b?.EngineVersion} · {b?.DeploymentMode} · {b?.HostInstanceType}
      </div>
      <table class="grid">
        <thead>
          <tr><th>instance</th><th>role</th><th>endpoints</th><th>release</th></tr>
        </thead>
        <tbody>
          {(inst.data?.instances ?? []).map((i, n) => (
            <tr key={n} class={i.role === 'active' ? 'active-row' : ''}>
              <td>{n + 1}</td>
              <td data-testid="instance-role">{i.role === 'active' ? '● active' : i.role}</td>
              <td class="mono">{i.endpoints.join('  ')}</td>
              <td>{i.engineVersion}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="row">
        <button disabled={action.busy} onClick={() => action.run(async () => {
          await aws.mq.send(new RebootBrokerCommand({ BrokerId: id }));
          return 'reboot requested';
        })}>
          Reboot
        </button>
        {pair && !confirming && <button onClick={() => setConfirming(true)}>Fail over…</button>}
        {pair && confirming && (
          <button class="danger" disabled={action.busy} onClick={() => action.run(async () => {
            setConfirming(false);
            const r = await aws.admin<{ stopped: number }>('mq', `brokers/${encodeURIComponent(id)}/fail-over`, { method: 'POST' });
            return `instance ${r.stopped} stopped: the standby takes the lock`;
          })}>
            Stop the active instance now
          </button>
        )}
      </div>
      <ActionResult message={action.message} error={action.error} />
    </div>
  );
}
