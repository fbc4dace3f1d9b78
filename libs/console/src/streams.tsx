import {
  DescribeStreamSummaryCommand,
  ListShardsCommand,
  ListStreamConsumersCommand,
  ListStreamsCommand,
  MergeShardsCommand,
  SplitShardCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { useCallback, useMemo, useState } from 'preact/hooks';
import type { Aws } from './aws';
import { adjacentPairs, colour, isOpen, keyFraction, lineage, midpoint, type LineageNode } from './keyspace';
import { Card } from './queues';
import { ActionResult, ErrorBox, VirtualList, useAction, usePoll } from './ui';

/** GET /_wharf/kinesis/streams/<name>/metrics: per-shard rates over the last seconds, consumers and their lag. */
export interface StreamMetrics {
  windowSeconds: number;
  shards: { shardId: string; recordsPerSecond: number; bytesPerSecond: number }[];
}

/** GET /_wharf/kinesis/streams/<name>/consumer-lag: per consumer and shard, what its live subscription has still to send. */
export interface ConsumerLags {
  consumers: { consumerARN: string; shards: ({ shardId: string; subscribed: false } | { shardId: string; subscribed: true; behindRecords: number })[] }[];
}

export async function listAllShards(aws: Aws, stream: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let token: string | undefined;
  do {
    const page = await aws.kinesis.send(token ? new ListShardsCommand({ NextToken: token }) : new ListShardsCommand({ StreamName: stream }));
    shards.push(...(page.Shards ?? []));
    token = page.NextToken;
  } while (token);
  return shards;
}

export function StreamsView({ aws }: { aws: Aws }) {
  const [selected, setSelected] = useState<string | undefined>();
  const list = usePoll(
    async () => {
      const names: string[] = [];
      let token: string | undefined;
      do {
        const page = await aws.kinesis.send(new ListStreamsCommand({ Limit: 100, NextToken: token }));
        names.push(...(page.StreamNames ?? []));
        token = page.HasMoreStreams ? page.NextToken : undefined;
      } while (token);
      return names.sort();
    },
    10_000,
    [],
  );
  const names = list.data ?? [];
  return (
    <div class="split">
      <section class="list-pane">
        <h2>Streams ({names.length})</h2>
        <ErrorBox error={list.error} />
        <VirtualList
          testId="stream-list"
          items={names}
          rowHeight={28}
          height={560}
          row={(n) => (
            <div class={`clickable${n === selected ? ' selected' : ''}`} data-stream={n} onClick={() => setSelected(n)}>
              {n}
            </div>
          )}
        />
      </section>
      {selected ? <StreamDetail aws={aws} name={selected} /> : <section class="detail-pane muted">Pick a stream.</section>}
    </div>
  );
}

function StreamDetail({ aws, name }: { aws: Aws; name: string }) {
  const summary = usePoll(async () => (await aws.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary, 3_000, [name]);
  const shards = usePoll(() => listAllShards(aws, name), 2_000, [name]);
  const metrics = usePoll(() => aws.admin<StreamMetrics>('kinesis', `streams/${encodeURIComponent(name)}/metrics`), 2_000, [name]);
  const arn = summary.data?.StreamARN;
  const consumers = usePoll(async () => (arn ? ((await aws.kinesis.send(new ListStreamConsumersCommand({ StreamARN: arn }))).Consumers ?? []) : []), 5_000, [arn]);
  const all = shards.data ?? [];
  const open = all.filter(isOpen);
  const lag = usePoll(() => aws.admin<ConsumerLags>('kinesis', `streams/${encodeURIComponent(name)}/consumer-lag`), 2_000, [name]);
  const lagOf = new Map((lag.data?.consumers ?? []).map((c) => [c.consumerARN, c.shards]));
  const rates = new Map((metrics.data?.shards ?? []).map((s) => [s.shardId, s]));
  const refresh = useCallback(() => {
    shards.refresh();
    summary.refresh();
  }, [shards, summary]);
  return (
    <section class="detail-pane" data-testid="stream-detail">
      <h2>{name}</h2>
      <ErrorBox error={summary.error ?? shards.error} />
      <ErrorBox error={metrics.error} />
      <div class="cards">
        <Card label="status" value={summary.data?.StreamStatus} testId="stream-status" />
        <Card label="open shards" value={open.length} />
        <Card label="all shards" value={all.length} />
        <Card label="mode" value={summary.data?.StreamModeDetails?.StreamMode} />
        <Card label="retention (h)" value={summary.data?.RetentionPeriodHours} />
      </div>
      <h3>Hash-key space (0 … 2¹²⁸−1)</h3>
      <KeyBar shards={open} />
      <h3>Shards</h3>
      <table class="grid" data-testid="shard-table">
        <thead>
          <tr><th>shard</th><th>hash keys</th><th>records/s</th><th>bytes/s</th><th>state</th></tr>
        </thead>
        <tbody>
          {all.map((s) => {
            const r = rates.get(s.ShardId ?? '');
            return (
              <tr key={s.ShardId}>
                <td class="mono">{s.ShardId}</td>
                <td>{(keyFraction(s.HashKeyRange?.StartingHashKey) * 100).toFixed(1)}% – {(keyFraction(s.HashKeyRange?.EndingHashKey) * 100).toFixed(1)}%</td>
                <td>{r ? r.recordsPerSecond.toFixed(1) : '…'}</td>
                <td>{r ? r.bytesPerSecond.toFixed(0) : '…'}</td>
                <td>{isOpen(s) ? 'open' : 'closed'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h3>Lineage</h3>
      <ul class="tree" data-testid="lineage">
        {lineage(all).map((n) => (
          <LineageItem node={n} key={n.shard.ShardId} />
        ))}
      </ul>
      <Reshard aws={aws} name={name} shards={all} refresh={refresh} />
      <h3>Consumers</h3>
      <ErrorBox error={consumers.error} />
      <ErrorBox error={lag.error} />
      {(consumers.data ?? []).length === 0 ? (
        <div class="muted">no registered consumers</div>
      ) : (
        <table class="grid" data-testid="consumers">
          <thead>
            <tr><th>consumer</th><th>status</th><th>since</th><th>lag per shard (SubscribeToShard)</th></tr>
          </thead>
          <tbody>
            {(consumers.data ?? []).map((c) => (
              <tr key={c.ConsumerARN}>
                <td>{c.ConsumerName}</td>
                <td>{c.ConsumerStatus}</td>
                <td>{c.ConsumerCreationTimestamp?.toISOString()}</td>
                <td data-testid="consumer-lag">
                  {(lagOf.get(c.ConsumerARN ?? '') ?? []).map((l) => (
                    <div key={l.shardId} data-shard={l.shardId}>
                      {l.shardId}: {!l.subscribed ? <span class="muted">not subscribed</span> : l.behindRecords === 0 ? 'caught up' : `${l.behindRecords} records behind`}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function KeyBar({ shards }: { shards: Shard[] }) {
  const sorted = useMemo(() => [...shards].sort((a, b) => keyFraction(a.HashKeyRange?.StartingHashKey) - keyFraction(b.HashKeyRange?.StartingHashKey)), [shards]);
  return (
    <svg class="keybar" data-testid="keybar" viewBox="0 0 1000 40" preserveAspectRatio="none">
      {sorted.map((s, i) => {
        const x = keyFraction(s.HashKeyRange?.StartingHashKey) * 1000;
        const w = Math.max(1, keyFraction(s.HashKeyRange?.EndingHashKey) * 1000 - x);
        return (
          <g key={s.ShardId}>
            <rect x={x} y={0} width={w} height={40} fill={colour(i, sorted.length)} stroke="#fff" stroke-width={1} vector-effect="non-scaling-stroke">
              <title>{s.ShardId}</title>
            </rect>
            {w > 60 && (
              <text x={x + w / 2} y={25} text-anchor="middle" font-size="12" fill="#fff">
                {s.ShardId?.replace('shardId-', '')}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

function LineageItem({ node }: { node: LineageNode }) {
  return (
    <li data-shard={node.shard.ShardId}>
      <span class={isOpen(node.shard) ? 'open' : 'closed'}>{node.shard.ShardId}</span>
      {node.mergedWith && <span class="muted"> (merged with {node.mergedWith})</span>}
      {node.children.length > 0 && (
        <ul>
          {node.children.map((c) => (
            <LineageItem node={c} key={c.shard.ShardId} />
          ))}
        </ul>
      )}
    </li>
  );
}

function Reshard({ aws, name, shards, refresh }: { aws: Aws; name: string; shards: Shard[]; refresh: () => void }) {
  const open = shards.filter(isOpen);
  const [splitId, setSplitId] = useState('');
  const [key, setKey] = useState('');
  const action = useAction();
  const pairs = adjacentPairs(shards);
  const target = open.find((s) => s.ShardId === splitId) ?? open[0];
  return (
    <fieldset>
      <legend>Split / merge</legend>
      <div class="row">
        <select data-testid="split-shard" value={target?.ShardId} onChange={(e) => setSplitId((e.target as HTMLSelectElement).value)}>
          {open.map((s) => (
            <option key={s.ShardId} value={s.ShardId}>{s.ShardId}</option>
          ))}
        </select>
        <input placeholder={target ? `hash key (default ${midpoint(target)})` : 'hash key'} value={key} onInput={(e) => setKey((e.target as HTMLInputElement).value)} />
        <button data-testid="split" disabled={!target || action.busy} onClick={() => action.run(async () => {
          if (!target) return;
          await aws.kinesis.send(new SplitShardCommand({ StreamName: name, ShardToSplit: target.ShardId, NewStartingHashKey: key || midpoint(target) }));
          refresh();
          return `split ${target.ShardId}`;
        })}>
          Split
        </button>
      </div>
      <div class="row">
        {pairs.map(([a, b]) => (
          <button key={`${a.ShardId}+${b.ShardId}`} data-testid="merge" disabled={action.busy} onClick={() => action.run(async () => {
            await aws.kinesis.send(new MergeShardsCommand({ StreamName: name, ShardToMerge: a.ShardId, AdjacentShardToMerge: b.ShardId }));
            refresh();
            return `merged ${a.ShardId} and ${b.ShardId}`;
          })}>
            Merge {a.ShardId?.replace('shardId-', '')} + {b.ShardId?.replace('shardId-', '')}
          </button>
        ))}
      </div>
      <ActionResult message={action.message} error={action.error} />
    </fieldset>
  );
}
