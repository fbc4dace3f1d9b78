import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages (@wharf/*) from source, so a stale dist never hides a change. A lib's
// test support (src/testing/, never built, never in its index) is `@wharf/<lib>/testing`.
function workspaceAliases(): { find: RegExp; replacement: string }[] {
  const root = __dirname;
  const dirs: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (existsSync(join(dir, 'package.json')) && dir !== root) dirs.push(dir);
    if (depth === 0) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !['node_modules', 'dist', 'src'].includes(entry.name)) walk(join(dir, entry.name), depth - 1);
    }
  };
  for (const top of ['apps', 'libs']) if (existsSync(join(root, top))) walk(join(root, top), 2);
  const aliases: { find: RegExp; replacement: string }[] = [];
  const exact = (name: string) => new RegExp(`^${name.replace(/[/.-]/g, '\\$&')}$`);
  for (const dir of dirs) {
    const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string };
    if (existsSync(join(dir, 'src/index.ts'))) aliases.push({ find: exact(name), replacement: resolve(dir, 'src/index.ts') });
    if (existsSync(join(dir, 'src/testing/index.ts'))) aliases.push({ find: exact(`${name}/testing`), replacement: resolve(dir, 'src/testing/index.ts') });
  }
  return aliases;
}

/** Test files that kill nodes of the shared cluster profile (see the 'node-loss' project). */
const sharedClusterKillers = [
  'libs/sns/backend-rabbitmq/src/node-loss.int.spec.ts',
  'libs/kinesis/backend-kafka/src/broker-loss.int.spec.ts',
  'tools/reliability/cluster-broker-loss.int.spec.ts',
];

export default defineConfig({
  resolve: { alias: workspaceAliases() },
  test: {
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'tmp/vitest-report.json' }]] : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{apps,libs,bench,tools}/**/*.spec.ts'],
          exclude: ['**/*.int.spec.ts', '**/node_modules/**', '**/dist/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['{apps,libs,tools}/**/*.int.spec.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', ...sharedClusterKillers],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
          poolOptions: { forks: { maxForks: 2, minForks: 1 } },
        },
      },
      {
        // Files that kill -9 nodes of the SHARED cluster profile (tools/brokers --profile cluster): run after
        // every other file and one at a time, so no other test sees a node vanish under it.
        extends: true,
        test: {
          name: 'node-loss',
          include: sharedClusterKillers,
          testTimeout: 120_000,
          hookTimeout: 300_000,
          pool: 'forks',
          poolOptions: { forks: { maxForks: 1, minForks: 1 } },
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
