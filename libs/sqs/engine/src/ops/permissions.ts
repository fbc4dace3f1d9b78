import type {
  AddPermissionRequest,
  RemovePermissionRequest,
} from '@aws-sdk/client-sqs';
import type { Caller } from '@wharf/engine-kit';
import type { SqsContext } from '../context';
import { Errors } from '../errors';
import { parseQueueUrl, queueArn } from '../names';

/** AddPermission writes a statement (Sid = Label) into the queue's Policy, as AWS does. */
export async function AddPermission(ctx: SqsContext, input: AddPermissionRequest, caller: Caller): Promise<Record<string, never>> {
  const ref = parseQueueUrl(input.QueueUrl, caller);
  if (!input.Label) throw Errors.missingParameter('Label');
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(input.Label)) {
    throw Errors.invalidValue('Label', input.Label, 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
  }
  if (!input.AWSAccountIds?.length) throw Errors.missingParameter('AWSAccountId');
  if (!input.Actions?.length) throw Errors.missingParameter('ActionName');
  const rec = await ctx.queue(ref, true);
  const policy = readPolicy(rec.attributes.Policy, queueArn(caller.region, ref));
  if (policy.Statement.some((s) => s.Sid === input.Label)) {
    throw Errors.invalidValue('Label', input.Label, 'Already exists.');
  }
  policy.Statement.push({
    Sid: input.Label,
    Effect: 'Allow',
    Principal: { AWS: input.AWSAccountIds.map((a) => `arn:aws:iam::${a}:root`) },
    Action: input.Actions.map((a) => (a === '*' ? 'SQS:*' : `SQS:${a}`)),
    Resource: queueArn(caller.region, ref),
  });
  await ctx.store.setAttributes(ref, { Policy: JSON.stringify(policy) }, [], ctx.clock.now());
  ctx.forget(ref);
  return {};
}

export async function RemovePermission(ctx: SqsContext, input: RemovePermissionRequest, caller: Caller): Promise<Record<string, never>> {
  const ref = parseQueueUrl(input.QueueUrl, caller);
  if (!input.Label) throw Errors.missingParameter('Label');
  const rec = await ctx.queue(ref, true);
  const policy = readPolicy(rec.attributes.Policy, queueArn(caller.region, ref));
  const kept = policy.Statement.filter((s) => s.Sid !== input.Label);
  if (kept.length === policy.Statement.length) throw Errors.invalidValue('Label', input.Label, "can't find label.");
  if (kept.length === 0) await ctx.store.setAttributes(ref, {}, ['Policy'], ctx.clock.now());
  else await ctx.store.setAttributes(ref, { Policy: JSON.stringify({ ...policy, Statement: kept }) }, [], ctx.clock.now());
  ctx.forget(ref);
  return {};
}

interface PolicyDoc {
  Version: string;
  Id?: string;
  Statement: { Sid?: string; [k: string]: unknown }[];
}

function readPolicy(raw: string | undefined, arn: string): PolicyDoc {
  if (raw) {
    try {
      const p = JSON.parse(raw) as PolicyDoc;
      if (!Array.isArray(p.Statement)) p.Statement = p.Statement ? [p.Statement as never] : [];
      return p;
    } catch {
      /* fall through */
    }
  }
  return { Version: '2012-10-17', Id: `${arn}/SQSDefaultPolicy`, Statement: [] };
}
