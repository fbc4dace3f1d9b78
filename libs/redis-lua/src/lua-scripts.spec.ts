import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LuaScriptSet, checkContract } from './lua-scripts';

describe('LuaScriptSet', () => {
  it('puts the library first and registers each script with its key count', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lua-'));
    writeFileSync(join(dir, 'lib.lua'), 'local function helper() return 1 end\n');
    writeFileSync(join(dir, 'get.lua'), '-- KEYS[1] a key. ARGV: none.\n-- Returns the value.\nreturn redis.call("GET", KEYS[1])\n');
    const set = new LuaScriptSet({ dir, prefix: 't_', scripts: { get: 1 }, library: 'lib.lua' });
    expect(set.sources.get.startsWith('local function helper')).toBe(true);
    expect(set.sources.get).toContain('-- get.lua\n-- KEYS[1]');
    const defined: unknown[] = [];
    const redis = {
      defineCommand: (name: string, spec: unknown) => defined.push([name, spec]),
      t_get: (...args: unknown[]) => Promise.resolve(args),
    };
    const run = set.define(redis as never);
    expect(defined).toEqual([['t_get', { numberOfKeys: 1, lua: set.sources.get }]]);
    return expect(run('get', ['k'], [1, 'x'])).resolves.toEqual(['k', '1', 'x']);
  });

  it('refuses a script without its contract', () => {
    expect(() => checkContract('x.lua', 'return 1\n')).toThrow(/missing KEYS, ARGV, Returns/);
    expect(() => checkContract('x.lua', '-- KEYS[1] q. ARGV: now.\nreturn 1\n')).toThrow(/missing Returns/);
    expect(() => checkContract('x.lua', '-- KEYS[1] q. ARGV: now.\n-- Returns 1.\nreturn 1\n')).not.toThrow();
  });
});
