import { randomUUID } from 'node:crypto';
import type { Clock, EngineLogger, Timer } from '@wharf/engine-kit';
import { parseQueueArn } from './names';
import type { SqsStore } from './ports';

/** Default pace when MaxNumberOfMessagesPerSecond is not given ("system optimized"). */
const DEFAULT_RATE = 500;

/**
 * Runs message move tasks (DLQ redrive) in the background. Task state lives in the store; any process'
 * mover may run a task, one at a time under a lease, moving at most the task's rate per interval.
 */
export class MoveTaskMover {
  private timer?: Timer;
  private readonly owner = randomUUID();
  private running = false;
  private intervalMs = 250;

  constructor(
    private readonly store: SqsStore,
    private readonly clock: Clock,
    private readonly logger: EngineLogger,
  ) {}

  /** Runs a pass `intervalMs` after the previous one ended, until stop(). */
  start(intervalMs = 250): void {
    this.intervalMs = intervalMs;
    const loop = () => {
      this.timer = this.clock.setTimeout(() => {
        // A failed pass (Redis briefly away) is logged and tried again next interval, never left unhandled.
        void this.tick()
          .catch((err: unknown) => this.logger.warn({ err }, 'message move pass failed'))
          .finally(() => {
            if (this.timer) loop();
          });
      }, intervalMs);
    };
    loop();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** A task just started: run a pass now rather than at the next interval (when started). */
  kick(): void {
    if (this.timer) void this.tick().catch((err: unknown) => this.logger.warn({ err }, 'message move pass failed'));
  }

  /** One pass: half-done moves, then every active task whose lease this process can take. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const store = this.store;
      // dead-letter moves and task moves a crashed process left half done (any process may finish them)
      await store.recoverMoves?.(this.clock.now());
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
          this.clock.now(),
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
