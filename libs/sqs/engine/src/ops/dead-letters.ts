import { randomUUID } from 'node:crypto';
import type {
  CancelMessageMoveTaskRequest,
  CancelMessageMoveTaskResult,
  ListDeadLetterSourceQueuesRequest,
  ListDeadLetterSourceQueuesResult,
  ListMessageMoveTasksRequest,
  ListMessageMoveTasksResult,
  StartMessageMoveTaskRequest,
  StartMessageMoveTaskResult,
} from '@aws-sdk/client-sqs';
import type { Caller } from '@wharf/engine-kit';
import type { SqsContext } from '../context';
import { Errors } from '../errors';
import { type QueueRef, parseQueueArn, parseQueueUrl } from '../names';
import { decodeToken, encodeToken } from '../page-token';
import type { MoveTaskRecord } from '../ports';
import { parseRedrivePolicy } from '../queue-attributes';

// Dead-letter queues: which queues use one, and message move tasks (redrive) out of it. The tasks are run
// by the context's MoveTaskMover (move-task-mover.ts); these operations start, list and cancel them.

export async function ListDeadLetterSourceQueues(
  ctx: SqsContext,
  input: ListDeadLetterSourceQueuesRequest,
  caller: Caller,
): Promise<ListDeadLetterSourceQueuesResult> {
  const ref = parseQueueUrl(input.QueueUrl, caller);
  await ctx.queue(ref, true);
  const max = input.MaxResults;
  if (max !== undefined && max !== null && (!Number.isInteger(max) || max < 1 || max > 1000)) {
    throw Errors.invalidValue('MaxResults', max, 'MaxResults must be an integer between 1 and 1000.');
  }
  const sources = await deadLetterSources(ctx, ref);
  const after = input.NextToken ? decodeToken(input.NextToken) : undefined;
  const rest = after === undefined ? sources : sources.filter((n) => n > after);
  const page = max ? rest.slice(0, max) : rest;
  return {
    queueUrls: page.map((name) => ctx.urlOf(caller, { account: ref.account, name })),
    ...(max && rest.length > max ? { NextToken: encodeToken(page[page.length - 1]) } : {}),
  };
}

/** Names of the account's queues whose RedrivePolicy targets `dlq`, sorted. */
async function deadLetterSources(ctx: SqsContext, dlq: QueueRef): Promise<string[]> {
  const out: string[] = [];
  let after: string | undefined;
  for (;;) {
    const names = await ctx.store.listQueues(dlq.account, '', after, 1000);
    for (const name of names) {
      const rec = await ctx.store.getQueue({ account: dlq.account, name });
      const rp = rec?.attributes.RedrivePolicy;
      if (!rp) continue;
      try {
        const target = parseQueueArn(parseRedrivePolicy(rp).deadLetterTargetArn);
        if (target && target.account === dlq.account && target.name === dlq.name) out.push(name);
      } catch {
        /* a stored policy is valid; ignore otherwise */
      }
    }
    if (names.length < 1000) break;
    after = names[names.length - 1];
  }
  return out.sort();
}

export async function StartMessageMoveTask(ctx: SqsContext, input: StartMessageMoveTaskRequest, caller: Caller): Promise<StartMessageMoveTaskResult> {
  const source = sourceFromArn(input.SourceArn, caller);
  const rec = await ctx.findQueue(source, true);
  if (!rec) throw Errors.resourceNotFound('The resource that you specified for the SourceArn parameter doesn\'t exist.');
  const sources = await deadLetterSources(ctx, source);
  if (sources.length === 0) throw Errors.invalidParameterValue('Source queue must be configured as a Dead Letter Queue.');
  let destination: QueueRef | undefined;
  if (input.DestinationArn) {
    destination = sourceFromArn(input.DestinationArn, caller, 'DestinationArn');
    const dest = await ctx.findQueue(destination, true);
    if (!dest) throw Errors.resourceNotFound('The resource that you specified for the DestinationArn parameter doesn\'t exist.');
    if (dest.fifo !== rec.fifo) throw Errors.invalidParameterValue('Destination queue must be same type of queue as the source.');
  }
  const rate = input.MaxNumberOfMessagesPerSecond;
  if (rate !== undefined && rate !== null && (!Number.isInteger(rate) || rate < 1 || rate > 500)) {
    throw Errors.invalidValue('MaxNumberOfMessagesPerSecond', rate, 'Must be between 1 and 500.');
  }
  const counts = await ctx.store.counts(source, ctx.clock.now());
  const task: MoveTaskRecord = {
    taskId: randomUUID(),
    source,
    sourceArn: String(input.SourceArn),
    destinationArn: input.DestinationArn || undefined,
    maxPerSecond: rate ?? undefined,
    status: 'RUNNING',
    moved: 0,
    toMove: counts.visible + counts.notVisible + counts.delayed,
    startedMs: ctx.clock.now(),
  };
  if ((await ctx.store.startMoveTask(task)) === 'active') {
    throw Errors.unsupported('There is already a task running. Only one active task is allowed for a source queue arn at a given time.');
  }
  ctx.mover.kick();
  return { TaskHandle: encodeHandle(task) };
}

export async function ListMessageMoveTasks(ctx: SqsContext, input: ListMessageMoveTasksRequest, caller: Caller): Promise<ListMessageMoveTasksResult> {
  const source = sourceFromArn(input.SourceArn, caller);
  const max = input.MaxResults ?? 1;
  if (!Number.isInteger(max) || max < 1 || max > 10) throw Errors.invalidValue('MaxResults', max, 'Must be between 1 and 10.');
  if (!(await ctx.findQueue(source, true))) {
    throw Errors.resourceNotFound('The resource that you specified for the SourceArn parameter doesn\'t exist.');
  }
  const tasks = await ctx.store.listMoveTasks(source, max);
  return {
    Results: tasks.map((t) => ({
      ...(t.status === 'RUNNING' ? { TaskHandle: encodeHandle(t) } : {}),
      Status: t.status,
      SourceArn: t.sourceArn,
      ...(t.destinationArn ? { DestinationArn: t.destinationArn } : {}),
      ...(t.maxPerSecond ? { MaxNumberOfMessagesPerSecond: t.maxPerSecond } : {}),
      ApproximateNumberOfMessagesMoved: t.moved,
      ApproximateNumberOfMessagesToMove: t.toMove,
      ...(t.failureReason ? { FailureReason: t.failureReason } : {}),
      StartedTimestamp: t.startedMs,
    })),
  };
}

export async function CancelMessageMoveTask(ctx: SqsContext, input: CancelMessageMoveTaskRequest, caller: Caller): Promise<CancelMessageMoveTaskResult> {
  if (!input.TaskHandle) throw Errors.missingParameter('TaskHandle');
  const decoded = decodeHandle(input.TaskHandle);
  if (!decoded) throw Errors.resourceNotFound('Task does not exist.');
  const source = sourceFromArn(decoded.sourceArn, caller);
  const task = await ctx.store.getMoveTask(source, decoded.taskId);
  if (!task) throw Errors.resourceNotFound('Task does not exist.');
  if (task.status !== 'RUNNING') throw Errors.unsupported('Only active tasks can be cancelled.');
  await ctx.store.updateMoveTask(source, task.taskId, { status: 'CANCELLED' });
  return { ApproximateNumberOfMessagesMoved: task.moved };
}

function sourceFromArn(arn: string | undefined, caller: Caller, param = 'SourceArn'): QueueRef {
  if (!arn) throw Errors.missingParameter(param);
  const ref = parseQueueArn(arn);
  if (!ref) throw Errors.invalidValue(param, arn, 'Invalid ARN.');
  if (ref.account !== caller.accountId) throw Errors.accessDenied(arn);
  return { account: ref.account, name: ref.name };
}

function encodeHandle(t: MoveTaskRecord): string {
  return Buffer.from(JSON.stringify({ taskId: t.taskId, sourceArn: t.sourceArn }), 'utf8').toString('base64');
}

function decodeHandle(h: string): { taskId: string; sourceArn: string } | undefined {
  try {
    const o = JSON.parse(Buffer.from(h, 'base64').toString('utf8'));
    if (typeof o.taskId === 'string' && typeof o.sourceArn === 'string') return o;
  } catch {
    /* below */
  }
  return undefined;
}
