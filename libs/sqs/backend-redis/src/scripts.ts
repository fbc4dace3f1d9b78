import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Redis from 'ioredis';

/** Where the .lua files live: `<package>/lua`, found the same from src/ (tests) and dist/. */
export const LUA_DIR = join(__dirname, '..', 'lua');

export const SCRIPT_NAMES = [
  'send',
  'receive',
  'delete',
  'change_visibility',
  'create_queue',
  'set_attributes',
  'set_tags',
  'counts',
  'purge',
  'delete_queue',
  'move_messages',
  'move_task',
] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];

const KEY_COUNT: Partial<Record<ScriptName, number>> = { move_task: 2 };

/** A script's full source: the shared helpers of lib.lua, then the script itself. */
export function scriptSource(name: ScriptName): string {
  const lib = readFileSync(join(LUA_DIR, 'lib.lua'), 'utf8');
  return `${lib}\n-- ${name}.lua\n${readFileSync(join(LUA_DIR, `${name}.lua`), 'utf8')}`;
}

export type ScriptRunner = (name: ScriptName, keys: string[], args: (string | number)[]) => Promise<unknown>;

/**
 * Registers every script with ioredis' defineCommand (EVALSHA, falling back to EVAL once per
 * connection) and returns a caller.
 */
export function defineScripts(redis: Redis): ScriptRunner {
  for (const name of SCRIPT_NAMES) {
    redis.defineCommand(`wharf_sqs_${name}`, { numberOfKeys: KEY_COUNT[name] ?? 1, lua: scriptSource(name) });
  }
  return (name, keys, args) => {
    const fn = (redis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[`wharf_sqs_${name}`];
    return fn.call(redis, ...keys, ...args.map(String));
  };
}
