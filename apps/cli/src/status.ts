import { DescribeStreamSummaryCommand, KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { ListBrokersCommand, MqClient } from '@aws-sdk/client-mq';
import { GetTopicAttributesCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig, describeError, type AwsTarget } from './aws';
import { formatTable } from './table';

/** How many resources of a kind get a row with their counts (the rest are counted only). */
const SHOWN = 50;

interface Check { status: string; error?: string; url?: string }
interface EdgeHealth {
  brokers?: { up: string[]; down: string[]; checks: Record<string, Check> };
  services?: { up: string[]; down: string[]; checks: Record<string, Check> };
}

/** `wharf status`: brokers and services from the edge's /health, then every kind of resource with its counts. */
export async function status(target: AwsTarget, out: (s: string) => void): Promise<boolean> {
  out(`Wharf at ${target.endpoint} (region ${target.region})`);
  const healthy = await health(target, out);
  const cfg = clientConfig(target);
  const sections: [string, () => Promise<string>][] = [
    ['queues', () => queues(new SQSClient(cfg))],
    ['topics', () => topics(new SNSClient(cfg))],
    ['streams', () => streams(new KinesisClient(cfg))],
    ['MQ brokers', () => brokers(new MqClient(cfg))],
  ];
  const texts = await Promise.all(sections.map(async ([name, f]) => [name, await f().catch((err: unknown) => `  cannot list ${name}: ${describeError(err)}`)] as const));
  for (const [name, text] of texts) out(`\n${name}\n${text}`);
  return healthy;
}

async function health(target: AwsTarget, out: (s: string) => void): Promise<boolean> {
  let report: EdgeHealth;
  try {
    const res = await fetch(`${target.endpoint}/health`, { signal: AbortSignal.timeout(5_000) });
    report = (await res.json()) as EdgeHealth;
  } catch (err) {
    out(`\nthe edge does not answer /health: ${describeError(err)}`);
    return false;
  }
  const rows = (checks: Record<string, Check> = {}) =>
    Object.entries(checks).sort(([a], [b]) => a.localeCompare(b)).map(([name, c]) => [name, c.status === 'up' ? 'up' : c.status, c.url ?? '', c.error ?? '']);
  out(`\nbrokers (reachable from the edge)\n${indent(formatTable(['broker', 'state', '', 'error'], rows(report.brokers?.checks)))}`);
  out(`\nservices (their /health through the edge)\n${indent(formatTable(['service', 'state', 'url', 'error'], rows(report.services?.checks)))}`);
  return (report.brokers?.down.length ?? 1) === 0 && (report.services?.down.length ?? 1) === 0;
}

const indent = (s: string) => s.split('\n').map((l) => `  ${l}`).join('\n');
const more = (total: number) => (total > SHOWN ? `\n  … and ${total - SHOWN} more` : '');

async function queues(sqs: SQSClient): Promise<string> {
  const urls: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await sqs.send(new ListQueuesCommand({ MaxResults: 1000, NextToken }));
    urls.push(...(page.QueueUrls ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  const rows = await Promise.all(
    urls.slice(0, SHOWN).map(async (url) => {
      const { Attributes: a = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
      return [url.split('/').pop() ?? url, Number(a.ApproximateNumberOfMessages ?? 0), Number(a.ApproximateNumberOfMessagesNotVisible ?? 0), Number(a.ApproximateNumberOfMessagesDelayed ?? 0), a.RedrivePolicy ? 'yes' : ''];
    }),
  );
  sqs.destroy();
  return `${indent(formatTable(['queue', 'visible', 'in flight', 'delayed', 'DLQ'], rows))}${more(urls.length)}\n  ${urls.length} queues`;
}

async function topics(sns: SNSClient): Promise<string> {
  const arns: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await sns.send(new ListTopicsCommand({ NextToken }));
    arns.push(...(page.Topics ?? []).map((t) => t.TopicArn as string));
    NextToken = page.NextToken;
  } while (NextToken);
  const rows = await Promise.all(
    arns.slice(0, SHOWN).map(async (arn) => {
      const { Attributes: a = {} } = await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }));
      return [arn.split(':').pop() ?? arn, Number(a.SubscriptionsConfirmed ?? 0), Number(a.SubscriptionsPending ?? 0), a.FifoTopic === 'true' ? 'yes' : ''];
    }),
  );
  sns.destroy();
  return `${indent(formatTable(['topic', 'subscriptions', 'pending', 'FIFO'], rows))}${more(arns.length)}\n  ${arns.length} topics`;
}

async function streams(kinesis: KinesisClient): Promise<string> {
  const names: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await kinesis.send(new ListStreamsCommand(NextToken ? { NextToken } : {}));
    names.push(...(page.StreamNames ?? []));
    NextToken = page.HasMoreStreams ? page.NextToken : undefined;
  } while (NextToken);
  const rows = await Promise.all(
    names.slice(0, SHOWN).map(async (name) => {
      const { StreamDescriptionSummary: s } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
      return [name, s?.StreamStatus ?? '', s?.StreamModeDetails?.StreamMode ?? '', s?.OpenShardCount ?? 0, s?.ConsumerCount ?? 0, `${s?.RetentionPeriodHours ?? ''} h`];
    }),
  );
  kinesis.destroy();
  return `${indent(formatTable(['stream', 'status', 'mode', 'open shards', 'consumers', 'retention'], rows))}${more(names.length)}\n  ${names.length} streams`;
}

async function brokers(mq: MqClient): Promise<string> {
  const list: string[][] = [];
  let NextToken: string | undefined;
  do {
    const page = await mq.send(new ListBrokersCommand({ MaxResults: 100, NextToken }));
    for (const b of page.BrokerSummaries ?? []) list.push([b.BrokerName ?? '', b.EngineType ?? '', b.DeploymentMode ?? '', b.BrokerState ?? '', b.BrokerId ?? '']);
    NextToken = page.NextToken;
  } while (NextToken);
  mq.destroy();
  return `${indent(formatTable(['broker', 'engine', 'deployment', 'state', 'id'], list.slice(0, SHOWN)))}${more(list.length)}\n  ${list.length} brokers`;
}
