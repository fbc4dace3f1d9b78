import { checkReplicas, execForSlot, replicaWaitOf, replies, type Pipeline, type RedisClient, type ReplicaWait } from './replica-wait';
import { WaitBatches } from './wait-batches';

/**
 * Commands on keys of the slot of `slotKey` (a pipeline, not a transaction: each should be idempotent),
 * followed in the same round trip by WAIT when the policy asks for replicas. Returns their replies.
 */
export async function durableWrite(client: RedisClient, slotKey: string, build: (p: Pipeline) => void): Promise<unknown[]> {
  const wait = replicaWaitOf(client);
  // with replicas to wait for: batched with the other writes to that master, one WAIT for all (wait-batches.ts)
  if (wait.replicas > 0) return WaitBatches.of(client).commands(slotKey, build, () => writeAlone(client, build, wait));
  return replies(await execForSlot(client, build));
}

/** One write on its own: its commands and a WAIT in one pipeline (redirects followed). */
async function writeAlone(client: RedisClient, build: (p: Pipeline) => void, wait: ReplicaWait): Promise<unknown[]> {
  // build's keys route the pipeline (and so the WAIT) to the master of the slot
  const out = replies(
    await execForSlot(client, (p) => {
      build(p);
      p.wait(wait.replicas, wait.timeoutMs);
    }),
  );
  if (wait.replicas > 0) checkReplicas(out.pop(), wait);
  return out;
}

