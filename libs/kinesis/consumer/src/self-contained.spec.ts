import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The library must run against any Kinesis endpoint, AWS included: it imports node built-ins, its own files,
 * the Kinesis SDK and ioredis — nothing of Wharf. (Lint's tags cannot say "no Wharf lib at all"; this can.)
 */
describe('self-contained', () => {
  it('library code imports only node:, relative files, @aws-sdk/client-kinesis and ioredis', () => {
    const files = readdirSync(__dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
    const imports = files.flatMap((f) => [...readFileSync(join(__dirname, f), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]));
    expect(imports.length).toBeGreaterThan(10);
    expect(imports.filter((i) => !/^(node:|\.\/)/.test(i) && i !== '@aws-sdk/client-kinesis' && i !== 'ioredis')).toEqual([]);
  });

  it('declares only those two dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies?: unknown };
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['@aws-sdk/client-kinesis', 'ioredis']);
    expect(pkg.devDependencies).toBeUndefined();
  });
});
