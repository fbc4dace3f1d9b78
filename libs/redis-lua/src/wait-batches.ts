import { keySlot } from './key-slot';
import { checkReplicas, isClusterClient, replicaWaitOf, type RedisClient } from './replica-wait';

/*
 * Group commit for writes that must reach replicas. WAIT holds the connection it is sent on until the
 * replicas have everything written before it, so one WAIT per write would make every write on a master
 * queue behind the previous one's replication. Instead the scripts of one master are sent together, one
 * pipeline, with a single WAIT behind them: it covers them all. While a batch waits for its replicas the
 * next calls gather (that time would be spent queued behind the WAIT anyway), then go as the next batch.
 * A call whose script was refused (a redirect, NOSCRIPT, a pipeline spanning nodes after a slot moved) is
 * run on its own by `alone`, which follows redirects.
 */

type Pipeline = ReturnType<RedisClient['pipeline']>;

interface Call {
  /** Adds this call's commands (keys of one slot) to the batch's pipeline; answers how many. */
  add(p: Pipeline): number;
  /** Runs this call on its own when the batch could not (follows redirects, loads the script). */
  alone(): Promise<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

interface NodeQueue {
  calls: Call[];
  busy: boolean;
}

const perClient = new WeakMap<object, WaitBatches>();

export class WaitBatches {
  private readonly nodes = new Map<string, NodeQueue>();

  private constructor(private readonly client: RedisClient) {}

  /** The batches of one client: every script set on it shares them (one WAIT per master per batch). */
  static of(client: RedisClient): WaitBatches {
    let b = perClient.get(client);
    if (!b) {
      b = new WaitBatches(client);
      perClient.set(client, b);
    }
    return b;
  }

  /** A script; answers its reply once the replicas hold its writes. */
  script(sha: string, keys: readonly string[], argv: string[], alone: () => Promise<unknown>): Promise<unknown> {
    const aloneAsReplies = () => alone().then((value) => [value]);
    return this.run(keys[0], (p) => (p.evalsha(sha, keys.length, ...keys, ...argv), 1), aloneAsReplies).then((replies) => (replies as unknown[])[0]);
  }

  /** Commands on keys of the slot of `slotKey`; answers their replies once the replicas hold their writes. */
  commands(slotKey: string, build: (p: Pipeline) => void, alone: () => Promise<unknown[]>): Promise<unknown[]> {
    const add = (p: Pipeline) => {
      const before = p.length;
      build(p);
      return p.length - before;
    };
    return this.run(slotKey, add, alone) as Promise<unknown[]>;
  }

  private run(slotKey: string | undefined, add: (p: Pipeline) => number, alone: () => Promise<unknown>): Promise<unknown> {
    const node = this.nodeOf(slotKey);
    let queue = this.nodes.get(node);
    if (!queue) {
      queue = { calls: [], busy: false };
      this.nodes.set(node, queue);
    }
    const q = queue;
    return new Promise((resolve, reject) => {
      q.calls.push({ add, alone, resolve, reject });
      if (!q.busy) {
        q.busy = true;
        process.nextTick(() => void this.flush(q)); // calls of this tick join the batch
      }
    });
  }

  /** The master a key's slot is on (as the client last saw the slots), or '' for a standalone Redis. */
  private nodeOf(key: string | undefined): string {
    if (!isClusterClient(this.client) || key === undefined) return '';
    const slot = keySlot(key);
    return this.client.slots[slot]?.[0] ?? `slot:${slot}`;
  }

  private async flush(queue: NodeQueue): Promise<void> {
    const batch = queue.calls;
    queue.calls = [];
    const wait = replicaWaitOf(this.client);
    try {
      const p = this.client.pipeline();
      const counts = batch.map((c) => c.add(p));
      p.wait(wait.replicas, wait.timeoutMs);
      const results = await p.exec();
      if (!results) throw new Error('Redis pipeline was discarded');
      const [waitErr, acknowledged] = results[results.length - 1];
      let at = 0;
      batch.forEach((c, i) => {
        const own = results.slice(at, at + counts[i]);
        at += counts[i];
        const err = own.find(([e]) => e)?.[0];
        if (err) {
          // not run here (redirect, unknown script): alone, it follows redirects and loads the script
          if (/^(NOSCRIPT|MOVED|ASK|TRYAGAIN|CLUSTERDOWN) /.test(err.message)) c.alone().then(c.resolve, c.reject);
          else c.reject(err);
          return;
        }
        try {
          if (waitErr) throw waitErr;
          checkReplicas(acknowledged, wait);
          c.resolve(own.map(([, value]) => value));
        } catch (e) {
          c.reject(e);
        }
      });
    } catch {
      // the pipeline as a whole failed (e.g. its keys span two nodes after a slot moved): each alone
      for (const c of batch) c.alone().then(c.resolve, c.reject);
    } finally {
      if (queue.calls.length) process.nextTick(() => void this.flush(queue));
      else queue.busy = false;
    }
  }
}
