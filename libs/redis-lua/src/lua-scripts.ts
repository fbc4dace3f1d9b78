import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { checkReplicas, execForSlot, replicaWaitOf, type RedisClient } from './replica-wait';
import { WaitBatches } from './wait-batches';

/**
 * The one way Wharf loads Redis scripts: each script is a `.lua` file in its backend's `lua/` folder that
 * opens with its contract (a comment naming its KEYS, ARGV and what it Returns), optionally preceded by a
 * shared library file (helpers and the key layout). Scripts are registered with ioredis' defineCommand, so
 * they run by EVALSHA and fall back to EVAL once per connection.
 *
 * On a Redis Cluster a script runs on the master of its first key's slot and may touch keys of that slot
 * only. When the client's policy asks for replicas (replica-wait.ts), a script that writes is sent with a
 * WAIT behind it in one pipeline on that master's connection — one WAIT for all the scripts sent to that
 * master together (wait-batches.ts): the answer comes once the write is on the replicas (no extra round
 * trip), or the call fails with ReplicaWaitError.
 */
export interface LuaScriptSetOptions<Name extends string> {
  /** The folder of the .lua files (find it from `__dirname` so src/ and dist/ both work). */
  dir: string;
  /** Command-name prefix, unique per backend (`wharf_sqs_`). */
  prefix: string;
  /** Script names (file names without `.lua`) and how many of their arguments are KEYS. */
  scripts: Record<Name, number>;
  /** A file (in `dir`) put before every script: shared helpers. It has no contract of its own. */
  library?: string;
  /** Scripts never followed by WAIT: they write nothing, or only what a failover may lose (rate counters). */
  noReplicaWait?: readonly NoInfer<Name>[];
}

export type LuaRunner<Name extends string> = (name: Name, keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>;

const CONTRACT = /^(--[^\n]*\n)+/;

/** Throws unless `source` opens with a comment block that names its KEYS (or "no keys"), ARGV and Returns. */
export function checkContract(file: string, source: string): void {
  const header = CONTRACT.exec(source)?.[0] ?? '';
  const missing = ['KEYS', 'ARGV', 'Returns'].filter((word) => !header.includes(word));
  if (missing.length) throw new Error(`${file}: the opening comment must state its contract (missing ${missing.join(', ')})`);
}

export class LuaScriptSet<Name extends string> {
  /** Full source per script (library first), as Redis runs it. */
  readonly sources: Record<Name, string>;

  constructor(private readonly options: LuaScriptSetOptions<Name>) {
    const library = options.library ? `${readFileSync(join(options.dir, options.library), 'utf8')}\n` : '';
    const sources = {} as Record<Name, string>;
    for (const name of Object.keys(options.scripts) as Name[]) {
      const file = `${name}.lua`;
      const own = readFileSync(join(options.dir, file), 'utf8');
      checkContract(file, own);
      sources[name] = `${library}-- ${file}\n${own}`;
    }
    this.sources = sources;
  }

  /** Registers every script on a connection and returns a function that runs one by name. */
  define(redis: Pick<Redis, 'defineCommand'> | RedisClient): LuaRunner<Name> {
    for (const name of Object.keys(this.sources) as Name[]) {
      redis.defineCommand(this.options.prefix + name, { numberOfKeys: this.options.scripts[name], lua: this.sources[name] });
    }
    const wait = 'pipeline' in redis ? replicaWaitOf(redis) : { replicas: 0, timeoutMs: 0 };
    const noWait = new Set<string>(this.options.noReplicaWait ?? []);
    return (name, keys, args) => {
      if (wait.replicas > 0 && !noWait.has(name)) {
        const client = redis as RedisClient;
        return WaitBatches.of(client).script(this.shaOf(name), keys, args.map(String), () => this.runDurably(client, name, keys, args));
      }
      const command = (redis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[this.options.prefix + name];
      return command.call(redis, ...keys, ...args.map(String));
    };
  }

  private readonly shas = new Map<Name, string>();

  private shaOf(name: Name): string {
    let sha = this.shas.get(name);
    if (!sha) {
      sha = createHash('sha1').update(this.sources[name]).digest('hex');
      this.shas.set(name, sha);
    }
    return sha;
  }

  /** One script alone: EVALSHA + WAIT in one pipeline (EVAL + WAIT when the master does not know the script yet). */
  private async runDurably(redis: RedisClient, name: Name, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const wait = replicaWaitOf(redis);
    const source = this.sources[name];
    const sha = this.shaOf(name);
    const argv = args.map(String);
    const send = (useSource: boolean) =>
      execForSlot(redis, (p) => {
        if (useSource) p.eval(source, keys.length, ...keys, ...argv);
        else p.evalsha(sha, keys.length, ...keys, ...argv);
        p.wait(wait.replicas, wait.timeoutMs);
      });
    let results = await send(false);
    if (results[0]?.[0]?.message.includes('NOSCRIPT')) results = await send(true);
    const [[err, value], [waitErr, acknowledged]] = results as [[Error | null, unknown], [Error | null, unknown]];
    if (err) throw err;
    if (waitErr) throw waitErr;
    checkReplicas(acknowledged, wait);
    return value;
  }
}
