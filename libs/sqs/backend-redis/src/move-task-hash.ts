import type { MoveTaskRecord, QueueRef } from '@wharf/sqs-engine';

// A message move task as the hash `<queue base>mt:<task id>` holds it (see lua/move_task.lua).

/** The fields of a task (or of a change to one) as hash field/value pairs; absent fields are left out. */
export function taskFields(t: Partial<MoveTaskRecord>): string[] {
  const out: string[] = [];
  const put = (k: string, v: unknown) => {
    if (v !== undefined && v !== null) out.push(k, String(v));
  };
  put('taskId', t.taskId);
  put('sourceArn', t.sourceArn);
  put('destinationArn', t.destinationArn);
  put('maxPerSecond', t.maxPerSecond);
  put('status', t.status);
  put('moved', t.moved);
  put('toMove', t.toMove);
  put('startedMs', t.startedMs);
  put('failureReason', t.failureReason);
  return out;
}


export function parseTask(h: Record<string, string>, source: QueueRef): MoveTaskRecord {
  return {
    taskId: h.taskId,
    source,
    sourceArn: h.sourceArn,
    destinationArn: h.destinationArn || undefined,
    maxPerSecond: h.maxPerSecond ? Number(h.maxPerSecond) : undefined,
    status: h.status as MoveTaskRecord['status'],
    moved: Number(h.moved ?? 0),
    toMove: Number(h.toMove ?? 0),
    startedMs: Number(h.startedMs ?? 0),
    failureReason: h.failureReason || undefined,
  };
}
