import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster, Redis } from 'ioredis';

/** The lease scripts, each a `.lua` file in `lua/` opening with its KEYS/ARGV/Returns contract. */
export const SCRIPTS = {
  create: 2,
  take: 1,
  renew: 1,
  checkpoint: 1,
  release: 1,
  'request-handover': 1,
} as const;
export type ScriptName = keyof typeof SCRIPTS;

const LUA_DIR = join(__dirname, '..', 'lua'); // the same from src/ and dist/

export function readScript(name: ScriptName): string {
  const source = readFileSync(join(LUA_DIR, `${name}.lua`), 'utf8');
  const header = /^(--[^\n]*\n)+/.exec(source)?.[0] ?? '';
  const missing = ['KEYS', 'ARGV', 'Returns'].filter((word) => !header.includes(word));
  if (missing.length) throw new Error(`${name}.lua: the opening comment must state its contract (missing ${missing.join(', ')})`);
  return source;
}

/** Registers the scripts on a connection (EVALSHA, falling back to EVAL) and returns a runner. */
export function defineScripts(redis: Redis | Cluster, prefix = 'kcl_') {
  for (const [name, numberOfKeys] of Object.entries(SCRIPTS)) {
    redis.defineCommand(prefix + name.replace('-', '_'), { numberOfKeys, lua: readScript(name as ScriptName) });
  }
  const commands = redis as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>;
  return (name: ScriptName, keys: string[], args: (string | number)[]) => commands[prefix + name.replace('-', '_')](...keys, ...args);
}
