// The Queues view: the list and every panel of the queue detail (send, peek, redrive, attributes, purge). A
// little over 300 lines: the panels are small and share the one queue they show; split them when one grows.
import {
  GetQueueAttributesCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  StartMessageMoveTaskCommand,
  type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import { useCallback, useMemo, useState } from 'preact/hooks';
import type { Aws } from './aws';
import { ActionResult, ErrorBox, VirtualList, age, parsePairs, useAction, usePoll } from './ui';

/**
 * One queue's live numbers from GET /_wharf/sqs/stats (counts as GetQueueAttributes gives them, and what it cannot).
 * This and PeekedMessage are the JSON of QueueInspection / PeekedMessage in libs/sqs/engine/src/inspect.ts, kept
 * here on purpose: the console is a browser client of Wharf's HTTP routes and imports nothing of ours (lint).
 */
export interface QueueStats {
  queueUrl: string;
  visible?: number;
  inFlight?: number;
  delayed?: number;
  oldestAgeMs?: number | null;
  groupsInFlight?: number | null;
  error?: string;
}

export interface PeekedMessage {
  messageId: string;
  body: string;
  state: 'visible' | 'inflight' | 'delayed';
  receiveCount: number;
  sentMs: number;
  groupId?: string;
  dedupId?: string;
  sequenceNumber?: string;
  attributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>;
}

const queueName = (url: string) => url.slice(url.lastIndexOf('/') + 1);
const arnName = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);

export function QueuesView({ aws }: { aws: Aws }) {
  const [prefix, setPrefix] = useState('');
  const [selected, setSelected] = useState<string | undefined>();
  const [range, setRange] = useState<[number, number]>([0, 0]);
  const list = usePoll(
    async () => {
      const urls: string[] = [];
      let token: string | undefined;
      do {
        const page = await aws.sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix || undefined, MaxResults: 1000, NextToken: token }));
        urls.push(...(page.QueueUrls ?? []));
        token = page.NextToken;
      } while (token);
      return urls.sort((a, b) => queueName(a).localeCompare(queueName(b)));
    },
    10_000,
    [prefix],
  );
  const urls = list.data ?? [];
  const inView = useMemo(() => urls.slice(range[0], range[1]), [urls, range]);
  const stats = usePoll(
    async () => {
      if (inView.length === 0) return new Map<string, QueueStats>();
      const r = await aws.admin<{ queues: QueueStats[] }>('sqs', 'stats', { query: { queue: inView } });
      return new Map(r.queues.map((q) => [q.queueUrl, q]));
    },
    2_000,
    [inView.join(' ')],
  );
  const onRange = useCallback((a: number, b: number) => setRange((r) => (r[0] === a && r[1] === b ? r : [a, b])), []);
  const byName = useMemo(() => new Map(urls.map((u) => [queueName(u), u])), [urls]);

  return (
    <div class="split">
      <section class="list-pane">
        <h2>Queues ({urls.length})</h2>
        <input placeholder="name prefix" value={prefix} onInput={(e) => setPrefix((e.target as HTMLInputElement).value)} />
        <ErrorBox error={list.error} />
        <ErrorBox error={stats.error} />
        <div class="vhead queue-row">
          <span>name</span><span>visible</span><span>in flight</span><span>delayed</span><span>oldest</span><span>groups</span>
        </div>
        <VirtualList
          testId="queue-list"
          items={urls}
          rowHeight={28}
          height={560}
          onRange={onRange}
          row={(url) => {
            const s = stats.data?.get(url);
            return (
              <div class={`queue-row clickable${url === selected ? ' selected' : ''}`} data-queue={queueName(url)} onClick={() => setSelected(url)}>
                <span class="name">{queueName(url)}</span>
                <span>{s?.visible ?? '…'}</span>
                <span>{s?.inFlight ?? '…'}</span>
                <span>{s?.delayed ?? '…'}</span>
                <span>{s ? age(s.oldestAgeMs ?? undefined) : '…'}</span>
                <span>{s?.groupsInFlight ?? (s ? '—' : '…')}</span>
              </div>
            );
          }}
        />
      </section>
      {selected ? <QueueDetail aws={aws} url={selected} byName={byName} select={setSelected} stats={stats.data?.get(selected)} /> : <section class="detail-pane muted">Pick a queue.</section>}
    </div>
  );
}

function QueueDetail({ aws, url, byName, select, stats }: { aws: Aws; url: string; byName: Map<string, string>; select: (u: string) => void; stats: QueueStats | undefined }) {
  const name = queueName(url);
  const fifo = name.endsWith('.fifo');
  const attrs = usePoll(async () => (await aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes ?? {}, 3_000, [url]);
  const sources = usePoll(async () => (await aws.sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: url }))).queueUrls ?? [], 10_000, [url]);
  const a = attrs.data ?? {};
  const dlqArn = a.RedrivePolicy ? (JSON.parse(a.RedrivePolicy) as { deadLetterTargetArn?: string }).deadLetterTargetArn : undefined;
  const dlqUrl = dlqArn ? byName.get(arnName(dlqArn)) : undefined;
  return (
    <section class="detail-pane" data-testid="queue-detail">
      <h2>{name}</h2>
      <ErrorBox error={attrs.error} />
      <div class="cards">
        <Card label="visible" value={a.ApproximateNumberOfMessages} testId="q-visible" />
        <Card label="in flight" value={a.ApproximateNumberOfMessagesNotVisible} testId="q-inflight" />
        <Card label="delayed" value={a.ApproximateNumberOfMessagesDelayed} testId="q-delayed" />
        <Card label="oldest message" value={stats ? age(stats.oldestAgeMs ?? undefined) : '…'} />
        {fifo && <Card label="groups in flight" value={stats?.groupsInFlight ?? '…'} />}
      </div>
      <div class="links" data-testid="dlq-links">
        {dlqArn && (
          <div>
            dead-letter queue: {dlqUrl ? <a href="#" onClick={(e) => (e.preventDefault(), select(dlqUrl))}>{arnName(dlqArn)}</a> : arnName(dlqArn)}
          </div>
        )}
        {(sources.data ?? []).length > 0 && (
          <div>
            dead-letter queue of:{' '}
            {(sources.data ?? []).map((s) => (
              <a href="#" class="chip" key={s} onClick={(e) => (e.preventDefault(), select(s))}>
                {queueName(s)}
              </a>
            ))}
          </div>
        )}
      </div>
      {(sources.data ?? []).length > 0 && <Redrive aws={aws} arn={a.QueueArn} />}
      <SendForm aws={aws} url={url} fifo={fifo} />
      <Peek aws={aws} url={url} />
      <AttributesEditor aws={aws} url={url} attributes={a} refresh={attrs.refresh} />
      <Purge aws={aws} url={url} name={name} />
    </section>
  );
}

export function Card({ label, value, testId }: { label: string; value: string | number | undefined; testId?: string }) {
  return (
    <div class="card">
      <div class="value" data-testid={testId}>{value ?? '…'}</div>
      <div class="label">{label}</div>
    </div>
  );
}

function Redrive({ aws, arn }: { aws: Aws; arn: string | undefined }) {
  const action = useAction();
  const tasks = usePoll(async () => (arn ? ((await aws.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: arn, MaxResults: 1 }))).Results ?? []) : []), 1_500, [arn]);
  const t = tasks.data?.[0];
  return (
    <fieldset>
      <legend>Redrive</legend>
      <button data-testid="redrive" disabled={action.busy || !arn} onClick={() => action.run(async () => {
        const r = await aws.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn }));
        tasks.refresh();
        return `move task started (${r.TaskHandle?.slice(0, 12)}…)`;
      })}>
        Move messages back to their source queues
      </button>
      <ActionResult message={action.message} error={action.error ?? tasks.error} />
      {t && (
        <div class="progress" data-testid="redrive-progress">
          <progress max={t.ApproximateNumberOfMessagesToMove || 1} value={t.ApproximateNumberOfMessagesMoved ?? 0} /> {t.Status}: {t.ApproximateNumberOfMessagesMoved ?? 0} of{' '}
          {t.ApproximateNumberOfMessagesToMove ?? '?'} moved{t.FailureReason ? ` — ${t.FailureReason}` : ''}
        </div>
      )}
    </fieldset>
  );
}

function SendForm({ aws, url, fifo }: { aws: Aws; url: string; fifo: boolean }) {
  const [body, setBody] = useState('');
  const [group, setGroup] = useState('');
  const [dedup, setDedup] = useState('');
  const [delay, setDelay] = useState('');
  const [attrText, setAttrText] = useState('');
  const action = useAction();
  const send = () =>
    action.run(async () => {
      const attributes: Record<string, MessageAttributeValue> = {};
      for (const [k, v] of Object.entries(parsePairs(attrText))) attributes[k] = { DataType: 'String', StringValue: v };
      const r = await aws.sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: body,
          DelaySeconds: delay ? Number(delay) : undefined,
          MessageGroupId: group || undefined,
          MessageDeduplicationId: dedup || undefined,
          MessageAttributes: Object.keys(attributes).length ? attributes : undefined,
        }),
      );
      return `sent ${r.MessageId}${r.SequenceNumber ? ` (sequence ${r.SequenceNumber})` : ''}`;
    });
  return (
    <fieldset>
      <legend>Send</legend>
      <textarea data-testid="send-body" placeholder="message body" value={body} onInput={(e) => setBody((e.target as HTMLTextAreaElement).value)} />
      <div class="row">
        {fifo && <input data-testid="send-group" placeholder="MessageGroupId" value={group} onInput={(e) => setGroup((e.target as HTMLInputElement).value)} />}
        {fifo && <input placeholder="MessageDeduplicationId" value={dedup} onInput={(e) => setDedup((e.target as HTMLInputElement).value)} />}
        {!fifo && <input placeholder="DelaySeconds" value={delay} onInput={(e) => setDelay((e.target as HTMLInputElement).value)} />}
      </div>
      <textarea placeholder="attributes, one name=value a line" value={attrText} onInput={(e) => setAttrText((e.target as HTMLTextAreaElement).value)} />
      <button data-testid="send" disabled={action.busy} onClick={send}>Send message</button>
      <ActionResult message={action.message} error={action.error} />
    </fieldset>
  );
}

function Peek({ aws, url }: { aws: Aws; url: string }) {
  const [messages, setMessages] = useState<PeekedMessage[] | undefined>();
  const action = useAction();
  const peek = () =>
    action.run(async () => {
      const r = await aws.admin<{ messages: PeekedMessage[] }>('sqs', 'peek', { query: { queue: url, max: '20' } });
      setMessages(r.messages);
    });
  return (
    <fieldset>
      <legend>Peek (visibility and receive counts unchanged)</legend>
      <button data-testid="peek" disabled={action.busy} onClick={peek}>Peek</button>
      <ActionResult error={action.error} />
      {messages && messages.length === 0 && <div class="muted">no messages</div>}
      {messages && messages.length > 0 && (
        <table class="grid" data-testid="peek-table">
          <thead>
            <tr><th>id</th><th>state</th><th>received</th><th>group</th><th>body</th><th>attributes</th></tr>
          </thead>
          <tbody>
            {messages.map((m) => (
              <tr key={m.messageId}>
                <td class="mono">{m.messageId.slice(0, 8)}</td>
                <td>{m.state}</td>
                <td>{m.receiveCount}</td>
                <td>{m.groupId ?? ''}</td>
                <td class="body">{m.body}</td>
                <td>{Object.entries(m.attributes ?? {}).map(([k, v]) => `${k}=${v.StringValue ?? '(binary)'}`).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </fieldset>
  );
}

const READ_ONLY = new Set(['QueueArn', 'CreatedTimestamp', 'LastModifiedTimestamp', 'FifoQueue', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed']);

function AttributesEditor({ aws, url, attributes, refresh }: { aws: Aws; url: string; attributes: Record<string, string>; refresh: () => void }) {
  const [edits, setEdits] = useState<Record<string, string>>({});
  const action = useAction();
  const names = Object.keys(attributes).sort();
  const save = () =>
    action.run(async () => {
      if (Object.keys(edits).length === 0) return 'nothing changed';
      await aws.sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: edits }));
      setEdits({});
      refresh();
      return `saved ${Object.keys(edits).join(', ')}`;
    });
  return (
    <fieldset>
      <legend>Attributes</legend>
      <table class="grid attrs">
        <tbody>
          {names.map((n) => (
            <tr key={n}>
              <td>{n}</td>
              <td>
                {READ_ONLY.has(n) ? (
                  <span class="mono">{attributes[n]}</span>
                ) : (
                  <input data-attr={n} value={edits[n] ?? attributes[n]} onInput={(e) => setEdits({ ...edits, [n]: (e.target as HTMLInputElement).value })} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button data-testid="save-attributes" disabled={action.busy} onClick={save}>Save attributes</button>
      <ActionResult message={action.message} error={action.error} />
    </fieldset>
  );
}

function Purge({ aws, url, name }: { aws: Aws; url: string; name: string }) {
  const [typed, setTyped] = useState('');
  const action = useAction();
  return (
    <fieldset class="danger">
      <legend>Purge</legend>
      <div>Type the queue's name to purge every message.</div>
      <input data-testid="purge-confirm" placeholder={name} value={typed} onInput={(e) => setTyped((e.target as HTMLInputElement).value)} />
      <button data-testid="purge" disabled={typed !== name || action.busy} onClick={() => action.run(async () => {
        await aws.sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
        setTyped('');
        return 'purged';
      })}>
        Purge queue
      </button>
      <ActionResult message={action.message} error={action.error} />
    </fieldset>
  );
}
