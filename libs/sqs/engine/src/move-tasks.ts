import { randomUUID } from 'node:crypto';
import type {
  CancelMessageMoveTaskRequest,
  CancelMessageMoveTaskResult,
  ListMessageMoveTasksRequest,
  ListMessageMoveTasksResult,
  StartMessageMoveTaskRequest,
  StartMessageMoveTaskResult,
} from '@aws-sdk/client-sqs';
import type { SqsEngine } from './engine';
import { Errors } from './errors';
import { type CallContext, type QueueRef, parseQueueArn } from './names';
import type { MoveTaskRecord } from './store';

/** Default pace when MaxNumberOfMessagesPerSecond is not given ("system optimized"). */
const DEFAULT_RATE = 500;

/**
 * StartMessageMoveTask / ListMessageMoveTasks / CancelMessageMoveTask and the mover that runs tasks.
 * Task state lives in the store; any process's mover may run a task, one at a time under a lease.
 */
export class MoveTasks {
  private stopTimer?: () => void;
  private readonly owner = randomUUID();
  private running = false;

  constructor(private readonly engine: SqsEngine) {}

  private sourceFromArn(arn: string | undefined, param = 'SourceArn'): QueueRef {
    if (!arn) throw Errors.missingParameter(param);
    const ref = parseQueueArn(arn);
    if (!ref) throw Errors.invalidValue(param, arn, 'Invalid ARN.');
    return { account: ref.account, name: ref.name };
  }

  async start(input: StartMessageMoveTaskRequest, _ctx: CallContext): Promise<StartMessageMoveTaskResult> {
    const source = this.sourceFromArn(input.SourceArn);
    const rec = await this.engine.findQueue(source, true);
    if (!rec) throw Errors.resourceNotFound('The resource that you specified for the SourceArn parameter doesn\'t exist.');
    const sources = await this.engine.deadLetterSources(source);
    if (sources.length === 0) throw Errors.invalidParameterValue('Source queue must be configured as a Dead Letter Queue.');
    let destination: QueueRef | undefined;
    if (input.DestinationArn) {
      destination = this.sourceFromArn(input.DestinationArn, 'DestinationArn');
      const dest = await this.engine.findQueue(destination, true);
      if (!dest) throw Errors.resourceNotFound('The resource that you specified for the DestinationArn parameter doesn\'t exist.');
      if (dest.fifo !== rec.fifo) throw Errors.invalidParameterValue('Destination queue must be same type of queue as the source.');
    }
    const rate = input.MaxNumberOfMessagesPerSecond;
    if (rate !== undefined && rate !== null && (!Number.isInteger(rate) || rate < 1 || rate > 500)) {
      throw Errors.invalidValue('MaxNumberOfMessagesPerSecond', rate, 'Must be between 1 and 500.');
    }
    const counts = await this.engine.store.counts(source, this.engine.clock.now());
    const task: MoveTaskRecord = {
      taskId: randomUUID(),
      source,
      sourceArn: String(input.SourceArn),
      destinationArn: input.DestinationArn || undefined,
      maxPerSecond: rate ?? undefined,
      status: 'RUNNING',
      moved: 0,
      toMove: counts.visible + counts.notVisible + counts.delayed,
      startedMs: this.engine.clock.now(),
    };
    if ((await this.engine.store.startMoveTask(task)) === 'active') {
      throw Errors.unsupported('There is already a task running. Only one active task is allowed for a source queue arn at a given time.');
    }
    this.kick();
    return { TaskHandle: encodeHandle(task) };
  }

  async list(input: ListMessageMoveTasksRequest, _ctx: CallContext): Promise<ListMessageMoveTasksResult> {
    const source = this.sourceFromArn(input.SourceArn);
    const max = input.MaxResults ?? 1;
    if (!Number.isInteger(max) || max < 1 || max > 10) throw Errors.invalidValue('MaxResults', max, 'Must be between 1 and 10.');
    if (!(await this.engine.findQueue(source, true))) {
      throw Errors.resourceNotFound('The resource that you specified for the SourceArn parameter doesn\'t exist.');
    }
    const tasks = await this.engine.store.listMoveTasks(source, max);
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

  async cancel(input: CancelMessageMoveTaskRequest, _ctx: CallContext): Promise<CancelMessageMoveTaskResult> {
    if (!input.TaskHandle) throw Errors.missingParameter('TaskHandle');
    const decoded = decodeHandle(input.TaskHandle);
    if (!decoded) throw Errors.resourceNotFound('Task does not exist.');
    const source = this.sourceFromArn(decoded.sourceArn);
    const task = await this.engine.store.getMoveTask(source, decoded.taskId);
    if (!task) throw Errors.resourceNotFound('Task does not exist.');
    if (task.status !== 'RUNNING') throw Errors.unsupported('Only active tasks can be cancelled.');
    await this.engine.store.updateMoveTask(source, task.taskId, { status: 'CANCELLED' });
    return { ApproximateNumberOfMessagesMoved: task.moved };
  }

  // ---- the mover -----------------------------------------------------------------------------------

  /** Runs every `intervalMs` in this process until stop(). */
  startMover(intervalMs = 250): void {
    this.intervalMs = intervalMs;
    const loop = () => {
      this.stopTimer = this.engine.clock.setTimer(() => {
        void this.tick().finally(() => {
          if (this.stopTimer) loop();
        });
      }, intervalMs);
    };
    loop();
  }
  private intervalMs = 250;

  stopMover(): void {
    this.stopTimer?.();
    this.stopTimer = undefined;
  }

  private kick(): void {
    if (this.stopTimer) void this.tick();
  }

  /** One pass over every active task whose lease this process can take. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const store = this.engine.store;
      for (const source of await store.activeMoveSources()) {
        if (!(await store.leaseMoveTask(source, this.owner, Math.max(3_000, this.intervalMs * 8)))) continue;
        const [task] = await store.listMoveTasks(source, 1);
        if (!task || task.status !== 'RUNNING') {
          await store.updateMoveTask(source, task?.taskId ?? '', { status: task?.status ?? 'COMPLETED' });
          continue;
        }
        const budget = Math.max(1, Math.floor(((task.maxPerSecond ?? DEFAULT_RATE) * this.intervalMs) / 1000));
        const dest = task.destinationArn ? parseQueueArn(task.destinationArn) : undefined;
        const res = await store.moveMessages(
          source,
          dest ? { account: dest.account, name: dest.name } : undefined,
          budget,
          this.engine.clock.now(),
        );
        if (res.kind === 'failed') {
          await store.updateMoveTask(source, task.taskId, { status: 'FAILED', failureReason: res.reason });
        } else {
          const moved = task.moved + res.moved;
          await store.updateMoveTask(source, task.taskId, {
            moved,
            ...(res.remaining === 0 ? { status: 'COMPLETED' as const } : {}),
          });
        }
      }
    } finally {
      this.running = false;
    }
  }
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
