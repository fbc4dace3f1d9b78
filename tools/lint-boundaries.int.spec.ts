// The architecture's rules are held by lint, not by habit: these tests put deliberate violations at real paths
// and check that the repo's own lint reports each with the rule that holds it, and that clean code passes.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');
const ENGINE_FILE = 'libs/kinesis/engine/src/lint-probe.ts';
const BACKEND_FILE = 'libs/sqs/backend-redis/src/lint-probe.ts';

let eslint: ESLint;
beforeAll(() => {
  // As tools/lint.sh does: without Nx's cached project graph the module-boundary rule is silently skipped.
  const graph = spawnSync('npx', ['nx', 'show', 'projects'], { cwd: ROOT, env: { ...process.env, NX_DAEMON: 'false' }, encoding: 'utf8' });
  expect(graph.status, graph.stderr).toBe(0);
  eslint = new ESLint({ cwd: ROOT });
}, 120_000);

/** Lints `code` as if it were the file at `filePath` (nothing is written): "rule: message" for each problem. */
async function lint(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('lint holds the module boundaries', () => {
  it('an engine importing a broker client (ioredis)', async () => {
    const problems = await lint(ENGINE_FILE, "import Redis from 'ioredis';\nexport const client = new Redis();\n");
    expect(problems).toEqual([expect.stringMatching(/^@nx\/enforce-module-boundaries: .*"type:engine".*"ioredis"/)]);
  });

  it('an engine importing NestJS', async () => {
    const problems = await lint(ENGINE_FILE, "import { Injectable } from '@nestjs/common';\nexport const decorator = Injectable;\n");
    expect(problems).toEqual([expect.stringMatching(/^@nx\/enforce-module-boundaries: .*"type:engine".*"@nestjs\/common"/)]);
  });

  it("an engine importing node's HTTP", async () => {
    const problems = await lint(ENGINE_FILE, "import { createServer } from 'node:http';\nexport const server = createServer();\n");
    expect(problems).toEqual([expect.stringMatching(/^no-restricted-imports: 'node:http' .*Engines know nothing of HTTP/)]);
  });

  it('a backend production file importing @wharf/testing', async () => {
    const problems = await lint(BACKEND_FILE, "import { uniqueId } from '@wharf/testing';\nexport const id = uniqueId('x');\n");
    expect(problems).toEqual([expect.stringMatching(/^no-restricted-imports: '@wharf\/testing' .*Test support is for spec files/)]);
  });

  it('one scope reaching into another (an SQS backend importing the Kinesis engine)', async () => {
    const problems = await lint(BACKEND_FILE, "import * as kinesis from '@wharf/kinesis-engine';\nexport const k = kinesis;\n");
    expect(problems).toEqual([expect.stringMatching(/^@nx\/enforce-module-boundaries: .*"scope:sqs"/)]);
  });

  it('clean files pass: an engine on the protocol and node:crypto, a backend spec on @wharf/testing', async () => {
    expect(await lint(ENGINE_FILE, "import { randomUUID } from 'node:crypto';\nimport { AwsError } from '@wharf/aws-protocol';\nexport const fail = () => new AwsError('X', randomUUID());\n")).toEqual([]);
    expect(await lint(BACKEND_FILE.replace(/\.ts$/, '.spec.ts'), "import { uniqueId } from '@wharf/testing';\nexport const id = uniqueId('x');\n")).toEqual([]);
  });
});

describe('lint refuses import circles (tools/lint.sh)', () => {
  it('fails on two files that import each other, a type-only import included, and passes once the circle is cut', { timeout: 180_000 }, () => {
    // src/testing/ is never built, so a concurrent build of the lib cannot pick the probe up.
    const rel = `libs/aws-protocol/src/testing/lint-probe-${randomUUID().slice(0, 8)}`;
    const dir = join(ROOT, rel);
    const lintSh = () => spawnSync('bash', [join(ROOT, 'tools/lint.sh'), rel], { cwd: ROOT, encoding: 'utf8', input: '' });
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'engine.ts'), "import { Messages } from './messages';\nexport class Engine {\n  readonly messages = new Messages(this);\n}\n");
      writeFileSync(join(dir, 'messages.ts'), "import type { Engine } from './engine';\nexport class Messages {\n  constructor(readonly engine: Engine) {}\n}\n");
      const circle = lintSh();
      expect(circle.status, `${circle.stdout}${circle.stderr}`).toBe(1);
      expect(circle.stdout).toMatch(/engine\.ts > .*messages\.ts/);

      writeFileSync(join(dir, 'messages.ts'), 'export class Messages {\n  constructor(readonly engine: object) {}\n}\n');
      const cut = lintSh();
      expect(cut.status, `${cut.stdout}${cut.stderr}`).toBe(0);
      expect(`${cut.stdout}${cut.stderr}`).toContain('No circular dependency found');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
