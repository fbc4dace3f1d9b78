import type {
  BatchResultErrorEntry,
  ChangeMessageVisibilityBatchRequest,
  ChangeMessageVisibilityBatchResult,
  ChangeMessageVisibilityRequest,
} from '@aws-sdk/client-sqs';
import type { AwsError } from '@wharf/aws-protocol';
import type { Caller } from '@wharf/engine-kit';
import type { SqsContext } from '../context';
import { Errors, batchFailure } from '../errors';
import { Limits } from '../limits';
import { intParam, validateBatchEntries } from '../message-validation';
import { parseQueueUrl } from '../names';
import { decodeReceiptHandle } from '../receipt';

export async function ChangeMessageVisibility(ctx: SqsContext, input: ChangeMessageVisibilityRequest, caller: Caller): Promise<Record<string, never>> {
  const ref = parseQueueUrl(input.QueueUrl, caller);
  const h = decodeReceiptHandle(input.ReceiptHandle, ref);
  const vis = visibilityParam(input.VisibilityTimeout);
  const res = await ctx.store.changeVisibility(ref, [{ ...h, visibilityMs: vis * 1000 }], ctx.clock.now(), Limits.visibilityMax * 1000);
  if (!res) throw Errors.queueDoesNotExist();
  const err = outcomeError(res[0], String(input.ReceiptHandle), vis);
  if (err) throw err;
  return {};
}

export async function ChangeMessageVisibilityBatch(
  ctx: SqsContext,
  input: ChangeMessageVisibilityBatchRequest,
  caller: Caller,
): Promise<ChangeMessageVisibilityBatchResult> {
  const ref = parseQueueUrl(input.QueueUrl, caller);
  const entries = validateBatchEntries(input.Entries, 'ChangeMessageVisibilityBatchRequestEntry');
  const failed: BatchResultErrorEntry[] = [];
  const ok: { id: string; handle: string; vis: number; h: { id: string; token: string } }[] = [];
  for (const e of entries) {
    try {
      const h = decodeReceiptHandle(e.ReceiptHandle, ref);
      ok.push({ id: String(e.Id), handle: String(e.ReceiptHandle), vis: visibilityParam(e.VisibilityTimeout ?? 0), h });
    } catch (err) {
      failed.push(batchFailure(String(e.Id), err));
    }
  }
  const successful: { Id: string }[] = [];
  if (ok.length) {
    const res = await ctx.store.changeVisibility(
      ref,
      ok.map((o) => ({ ...o.h, visibilityMs: o.vis * 1000 })),
      ctx.clock.now(),
      Limits.visibilityMax * 1000,
    );
    if (!res) throw Errors.queueDoesNotExist();
    ok.forEach((o, i) => {
      const err = outcomeError(res[i], o.handle, o.vis);
      if (err) failed.push(batchFailure(o.id, err));
      else successful.push({ Id: o.id });
    });
  } else {
    await ctx.queue(ref);
  }
  return { Successful: successful, Failed: failed };
}

function visibilityParam(v: unknown): number {
  const n = intParam('VisibilityTimeout', v);
  if (n === undefined) throw Errors.missingParameter('VisibilityTimeout');
  if (n < 0 || n > Limits.visibilityMax) {
    throw Errors.invalidValue('VisibilityTimeout', n, 'Must be between 0 and 43200, if provided.');
  }
  return n;
}

function outcomeError(outcome: string, handle: string, vis: number): AwsError | undefined {
  if (outcome === 'invalid') {
    return Errors.invalidValue('ReceiptHandle', handle, 'Message does not exist or is not available for visibility timeout change.');
  }
  if (outcome === 'toolong') {
    return Errors.invalidValue('VisibilityTimeout', vis, 'Total VisibilityTimeout for the message is beyond the limit [43200 seconds]');
  }
  return undefined;
}
