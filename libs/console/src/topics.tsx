import {
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTopicsCommand,
  PublishCommand,
  type MessageAttributeValue,
} from '@aws-sdk/client-sns';
import { useState } from 'preact/hooks';
import type { Aws } from './aws';
import { Card } from './queues';
import { ActionResult, ErrorBox, VirtualList, parsePairs, useAction, usePoll } from './ui';

/** GET /_wharf/sns/subscriptions?topic=<arn>: what each subscription's deliveries came to. */
export interface SubscriptionCounts {
  subscriptionArn: string;
  delivered: number;
  retried: number;
  held: number;
  deadLettered: number;
}

const arnName = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);

export function TopicsView({ aws }: { aws: Aws }) {
  const [selected, setSelected] = useState<string | undefined>();
  const list = usePoll(
    async () => {
      const arns: string[] = [];
      let token: string | undefined;
      do {
        const page = await aws.sns.send(new ListTopicsCommand({ NextToken: token }));
        arns.push(...(page.Topics ?? []).map((t) => t.TopicArn ?? ''));
        token = page.NextToken;
      } while (token);
      return arns.sort((a, b) => arnName(a).localeCompare(arnName(b)));
    },
    10_000,
    [],
  );
  const arns = list.data ?? [];
  return (
    <div class="split">
      <section class="list-pane">
        <h2>Topics ({arns.length})</h2>
        <ErrorBox error={list.error} />
        <VirtualList
          testId="topic-list"
          items={arns}
          rowHeight={28}
          height={560}
          row={(arn) => (
            <div class={`clickable${arn === selected ? ' selected' : ''}`} data-topic={arnName(arn)} onClick={() => setSelected(arn)}>
              {arnName(arn)}
            </div>
          )}
        />
      </section>
      {selected ? <TopicDetail aws={aws} arn={selected} /> : <section class="detail-pane muted">Pick a topic.</section>}
    </div>
  );
}

interface SubscriptionRow {
  arn: string;
  protocol: string;
  endpoint: string;
  pending: boolean;
  filterPolicy?: string;
  filterScope?: string;
}

function TopicDetail({ aws, arn }: { aws: Aws; arn: string }) {
  const attrs = usePoll(async () => (await aws.sns.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes ?? {}, 5_000, [arn]);
  const subs = usePoll(
    async () => {
      const rows: SubscriptionRow[] = [];
      let token: string | undefined;
      do {
        const page = await aws.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn, NextToken: token }));
        for (const s of page.Subscriptions ?? []) {
          const row: SubscriptionRow = { arn: s.SubscriptionArn ?? '', protocol: s.Protocol ?? '', endpoint: s.Endpoint ?? '', pending: s.SubscriptionArn === 'PendingConfirmation' };
          if (!row.pending) {
            const a = (await aws.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: row.arn }))).Attributes ?? {};
            row.pending = a.PendingConfirmation === 'true';
            row.filterPolicy = a.FilterPolicy;
            row.filterScope = a.FilterPolicyScope;
          }
          rows.push(row);
        }
        token = page.NextToken;
      } while (token);
      return rows;
    },
    5_000,
    [arn],
  );
  const counts = usePoll(async () => {
    const r = await aws.admin<{ subscriptions: SubscriptionCounts[] }>('sns', 'subscriptions', { query: { topic: arn } });
    return new Map(r.subscriptions.map((s) => [s.subscriptionArn, s]));
  }, 2_000, [arn]);
  const a = attrs.data ?? {};
  return (
    <section class="detail-pane" data-testid="topic-detail">
      <h2>{arnName(arn)}</h2>
      <ErrorBox error={attrs.error ?? subs.error} />
      <ErrorBox error={counts.error} />
      <div class="cards">
        <Card label="confirmed" value={a.SubscriptionsConfirmed} />
        <Card label="pending" value={a.SubscriptionsPending} />
        <Card label="FIFO" value={a.FifoTopic === 'true' ? 'yes' : 'no'} />
      </div>
      <table class="grid" data-testid="subscriptions">
        <thead>
          <tr><th>protocol</th><th>endpoint</th><th>status</th><th>filter policy</th><th>delivered</th><th>retried</th><th>held</th><th>dead-lettered</th></tr>
        </thead>
        <tbody>
          {(subs.data ?? []).map((s, i) => {
            const c = counts.data?.get(s.arn);
            return (
              <tr key={`${s.arn}${i}`}>
                <td>{s.protocol}</td>
                <td class="mono">{s.endpoint}</td>
                <td>{s.pending ? 'pending confirmation' : 'confirmed'}</td>
                <td class="mono">{s.filterPolicy ? `${s.filterScope === 'MessageBody' ? 'body: ' : ''}${s.filterPolicy}` : ''}</td>
                <td>{c?.delivered ?? (s.pending ? '' : '…')}</td>
                <td>{c?.retried ?? ''}</td>
                <td>{c?.held ?? ''}</td>
                <td>{c?.deadLettered ?? ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <PublishForm aws={aws} arn={arn} fifo={a.FifoTopic === 'true'} />
    </section>
  );
}

function PublishForm({ aws, arn, fifo }: { aws: Aws; arn: string; fifo: boolean }) {
  const [message, setMessage] = useState('');
  const [subject, setSubject] = useState('');
  const [group, setGroup] = useState('');
  const [dedup, setDedup] = useState('');
  const [attrText, setAttrText] = useState('');
  const action = useAction();
  return (
    <fieldset>
      <legend>Publish</legend>
      <textarea data-testid="publish-message" placeholder="message" value={message} onInput={(e) => setMessage((e.target as HTMLTextAreaElement).value)} />
      <div class="row">
        <input placeholder="Subject" value={subject} onInput={(e) => setSubject((e.target as HTMLInputElement).value)} />
        {fifo && <input placeholder="MessageGroupId" value={group} onInput={(e) => setGroup((e.target as HTMLInputElement).value)} />}
        {fifo && <input placeholder="MessageDeduplicationId" value={dedup} onInput={(e) => setDedup((e.target as HTMLInputElement).value)} />}
      </div>
      <textarea data-testid="publish-attributes" placeholder="attributes, one name=value a line" value={attrText} onInput={(e) => setAttrText((e.target as HTMLTextAreaElement).value)} />
      <button data-testid="publish" disabled={action.busy} onClick={() => action.run(async () => {
        const attributes: Record<string, MessageAttributeValue> = {};
        for (const [k, v] of Object.entries(parsePairs(attrText))) attributes[k] = { DataType: 'String', StringValue: v };
        const r = await aws.sns.send(new PublishCommand({
          TopicArn: arn,
          Message: message,
          Subject: subject || undefined,
          MessageGroupId: group || undefined,
          MessageDeduplicationId: dedup || undefined,
          MessageAttributes: Object.keys(attributes).length ? attributes : undefined,
        }));
        return `published ${r.MessageId}`;
      })}>
        Publish
      </button>
      <ActionResult message={action.message} error={action.error} />
    </fieldset>
  );
}
