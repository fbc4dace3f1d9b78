import type { BatchResultErrorEntry, DeleteMessageBatchRequest, DeleteMessageBatchResult, DeleteMessageRequest } from '@aws-sdk/client-sqs';
import type { Caller } from '@wharf/engine-kit';
import type { SqsContext } from '../context';
import { Errors, batchFailure } from '../errors';
import { validateBatchEntries } from '../message-validation';
import { parseQueueUrl } from '../names';
import { decodeReceiptHandle } from '../receipt';

// A handle from an older receive (a newer one holds the message) deletes nothing and still succeeds, as
// AWS documents; the store tells it apart ('stale') by the token each receive writes into the handle.

export async function DeleteMessage(ctx: SqsContext, input: DeleteMessageRequest, caller: Caller): Promise<Record<string, never>> {
  const ref = parseQueueUrl(input.QueueUrl, caller);
  const h = decodeReceiptHandle(input.ReceiptHandle, ref);
  const res = await ctx.store.delete(ref, [h], ctx.clock.now());
  if (!res) {
    ctx.forget(ref);
    throw Errors.queueDoesNotExist();
  }
  return {};
}

export async function DeleteMessageBatch(ctx: SqsContext, input: DeleteMessageBatchRequest, caller: Caller): Promise<DeleteMessageBatchResult> {
  const ref = parseQueueUrl(input.QueueUrl, caller);
  const entries = validateBatchEntries(input.Entries, 'DeleteMessageBatchRequestEntry');
  const failed: BatchResultErrorEntry[] = [];
  const ok: { id: string; h: { id: string; token: string } }[] = [];
  for (const e of entries) {
    try {
      ok.push({ id: String(e.Id), h: decodeReceiptHandle(e.ReceiptHandle, ref) });
    } catch (err) {
      failed.push(batchFailure(String(e.Id), err));
    }
  }
  if (ok.length) {
    const res = await ctx.store.delete(
      ref,
      ok.map((o) => o.h),
      ctx.clock.now(),
    );
    if (!res) throw Errors.queueDoesNotExist();
  } else {
    await ctx.queue(ref);
  }
  return { Successful: ok.map((o) => ({ Id: o.id })), Failed: failed };
}
