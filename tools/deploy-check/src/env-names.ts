import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// The settings Wharf's own code reads: every quoted all-caps name (envString('WHARF_REDIS_URL', …),
// process.env.X is not used for settings) in the sources of an app and of the libs. A deployment file that
// hands an app a name missing here sets nothing: a misspelt or renamed variable.
const NAME = /['"`]([A-Z][A-Z0-9]*_[A-Z0-9_]+)['"`]/g;
const SKIP = /(\.spec\.ts|\.d\.ts)$|\/(testing|test|dist|node_modules)\//;

function sourceFiles(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!['node_modules', 'dist', 'test', 'testing'].includes(e.name)) sourceFiles(p, out);
    } else if (/\.(ts|mjs)$/.test(e.name) && !SKIP.test(p)) out.push(p);
  }
  return out;
}

const cache = new Map<string, Set<string>>();

/** The names `app` reads: in apps/<app>/src, in any lib it may use, and in the image's health check. */
export function envNamesRead(repoRoot: string, app: string): Set<string> {
  const hit = cache.get(`${repoRoot}\0${app}`);
  if (hit) return hit;
  const files = [...sourceFiles(join(repoRoot, 'apps', app, 'src')), ...sourceFiles(join(repoRoot, 'libs')), join(repoRoot, 'deploy/healthcheck.mjs')];
  const names = new Set<string>();
  for (const file of files) if (existsSync(file)) for (const m of readFileSync(file, 'utf8').matchAll(NAME)) names.add(m[1]);
  // the listener port each app reads as <APP>_PORT (apps/<app>/src/*.config.ts); WHARF_HOST etc. are literal
  names.add(`${app.toUpperCase()}_PORT`);
  cache.set(`${repoRoot}\0${app}`, names);
  return names;
}

/** Is `name` one of Wharf's own settings (not a broker image's, like KAFKA_* or RABBITMQ_*)? */
export const isWharfSetting = (name: string): boolean => /^(WHARF|SQS|SNS|KINESIS|MQ|EDGE)_/.test(name);

/** Is `name` read by some Wharf app (a setting given to a one-process service or a shared ConfigMap)? */
export const readByWharf = (repoRoot: string, apps: readonly string[], name: string): boolean => apps.some((app) => envNamesRead(repoRoot, app).has(name));
