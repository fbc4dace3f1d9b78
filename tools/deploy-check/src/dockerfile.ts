import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Arg, DockerfileParser, type From, type Instruction, ModifiableInstruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import type { Findings } from './findings';

interface Stage {
  from: From;
  items: Instruction[];
}

const args = (i: Instruction) => i.getArguments().map((a) => a.getValue());
const flags = (i: Instruction) => (i instanceof ModifiableInstruction ? i.getFlags().map((fl) => [fl.getName(), fl.getValue()] as const) : []);
const runs = (s: Stage) => s.items.filter((i) => i.getKeyword() === 'RUN').map((i) => args(i).join(' '));
const argName = (i: Instruction) => (i instanceof Arg ? i.getProperty()?.getName() : undefined);

/**
 * The Dockerfile: linted by dockerfile-utils (the VS Code Docker linter), then Wharf's essentials: multi-stage,
 * npm ci + build, production deps only, ARG APP, node:24-bookworm-slim, non-root, HEALTHCHECK, the CMD; then
 * what `docker build .` would send.
 */
export function checkDockerfile(f: Findings, file: string, ctx: string): void {
  const text = readFileSync(file, 'utf8');
  for (const d of validate(text)) f.err(`lint line ${d.range.start.line + 1}: ${d.message}`);
  const globalArgs: Record<string, string | undefined> = {};
  const stages: Stage[] = [];
  for (const i of DockerfileParser.parse(text).getInstructions()) {
    const kw = i.getKeyword();
    if (kw === 'FROM') stages.push({ from: i as From, items: [] });
    else if (stages.length > 0) stages[stages.length - 1].items.push(i);
    else if (i instanceof Arg) globalArgs[String(i.getProperty()?.getName())] = i.getProperty()?.getValue() ?? undefined;
  }
  if (stages.length < 2) return f.err('not a multi-stage build (want a build stage and a runtime stage)');
  const final = inherited(stages, stages[stages.length - 1]);
  const all = stages.flatMap(runs);
  if (!all.some((r) => /\bnpm ci\b/.test(r))) f.err('no stage runs npm ci');
  if (!all.some((r) => /\bnpm run build\b/.test(r))) f.err('no stage runs npm run build');
  if (!all.some((r) => /--omit=dev|--omit dev|--production\b/.test(r))) f.err('production dependencies only: no npm ci/prune --omit=dev');
  if (runs(final).some((r) => /\bnpm ci\b/.test(r) && !/--omit=dev/.test(r))) f.err('the runtime stage installs dev dependencies');
  const expand = (s: string) => s.replace(/\$\{?(\w+)\}?/g, (_, n: string) => globalArgs[n] ?? `$${n}`);
  const base = expand(args(final.from)[0] ?? '');
  if (!/^node:24(\.[\d.]+)?-bookworm-slim$/.test(base)) f.err(`runtime image is ${base}, want node:24-bookworm-slim`);
  if (!final.items.some((i) => argName(i) === 'APP')) f.err('the runtime stage does not declare ARG APP');
  checkServingStage(f, final, 'the runtime stage', /node\b.*apps\/\$\{?APP\}?\/dist\/main\.js/, 'node apps/${APP}/dist/main.js');
  checkOneStage(f, stages);
  checkBuildContext(f, file, ctx, stages);
}

/**
 * A stage as the image it builds sees it: `FROM <earlier stage>` carries that stage's instructions (its USER,
 * HEALTHCHECK, ENV) and its base image, so what stages share is written once and checked where it lands.
 */
function inherited(stages: Stage[], stage: Stage): Stage {
  const parentName = args(stage.from)[0];
  const parent = stages.slice(0, stages.indexOf(stage)).find((s) => s.from.getBuildStage() === parentName);
  if (!parent) return stage;
  const base = inherited(stages, parent);
  return { from: base.from, items: [...base.items, ...stage.items] };
}

/** What every stage that serves must have: a non-root USER, a HEALTHCHECK by node, and its own CMD. */
function checkServingStage(f: Findings, stage: Stage, name: string, cmdWanted: RegExp, cmdText: string): void {
  const last = (kw: string) => stage.items.filter((i) => i.getKeyword() === kw).at(-1);
  const user = last('USER');
  const who = user ? args(user).join(' ') : 'root';
  if (/^(root|0)(:|$)/.test(who)) f.err(`${name} runs as ${who}; add a non-root USER`);
  const hc = last('HEALTHCHECK');
  if (!hc || args(hc)[0]?.toUpperCase() === 'NONE') f.err(`${name} has no HEALTHCHECK`);
  else if (!/\bnode\b/.test(args(hc).join(' '))) f.err(`${name}: HEALTHCHECK must use node (the slim image has no curl or wget)`);
  const cmd = last('CMD');
  if (!cmd) f.err(`${name} has no CMD`);
  else if (!cmdWanted.test(args(cmd).join(' '))) f.err(`${name} must run ${cmdText} (CMD is: ${args(cmd).join(' ')})`);
}

/** The stage "one" (every app in one process, `docker build --target one`), if there is one: it serves, by the launcher, with APP=one. */
function checkOneStage(f: Findings, stages: Stage[]): void {
  const named = stages.find((s) => s.from.getBuildStage() === 'one');
  if (!named) return;
  const one = inherited(stages, named);
  checkServingStage(f, one, 'the stage "one"', /node\b.*tools\/one-process\.cjs/, 'node tools/one-process.cjs');
  if (!one.items.some((i) => i.getKeyword() === 'ENV' && /\bAPP=one\b/.test(args(i).join(' ')))) f.err('the stage "one" must set APP=one (its HEALTHCHECK probes every app by it)');
}

// What .dockerignore must keep out of the context: the pattern, and paths it must match.
const MUST_EXCLUDE: Record<string, string[]> = {
  node_modules: ['node_modules', 'libs/x/node_modules'],
  dist: ['apps/x/dist'],
  'tools/brokers/**/lib': ['tools/brokers/kafka/lib'],
  '.run': ['.run', 'tools/brokers/.run'],
  tmp: ['tmp'],
  '.git': ['.git'],
};

/** .dockerignore, the size of what `docker build .` sends, and every COPY/ADD source in that context. */
function checkBuildContext(f: Findings, file: string, ctx: string, stages: Stage[]): void {
  const ignoreFile = existsSync(`${file}.dockerignore`) ? `${file}.dockerignore` : join(ctx, '.dockerignore');
  if (!existsSync(ignoreFile)) return f.err('.dockerignore is missing');
  const patterns = readFileSync(ignoreFile, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const toRe = (p: string) =>
    new RegExp(
      `^${p
        .replace(/^\/+/, '')
        .replace(/[.+^$()|[\]\\]/g, '\\$&')
        .replace(/\*\*\/?/g, '\uE000') // a placeholder no pattern contains, so that `*` below leaves `**` alone
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]')
        .replace(/\uE000/g, '(.*/)?')}(/.*)?$`,
    );
  const ignored = (path: string) => {
    let out = false;
    for (const p of patterns) {
      const neg = p.startsWith('!');
      if (toRe(neg ? p.slice(1) : p).test(path)) out = !neg;
    }
    return out;
  };
  for (const [want, probes] of Object.entries(MUST_EXCLUDE)) for (const probe of probes) if (!ignored(probe)) f.err(`.dockerignore does not exclude ${want} (${probe})`);
  checkContextSize(f, ctx, ignored, !patterns.some((p) => p.startsWith('!')));
  const stageNames = stages.map((s) => s.from.getBuildStage()).filter(Boolean);
  for (const s of stages)
    for (const i of s.items.filter((x) => ['COPY', 'ADD'].includes(x.getKeyword()))) {
      const from = flags(i).find(([n]) => n === 'from');
      if (from) {
        if (!stageNames.includes(from[1]) && !/[:/]/.test(String(from[1]))) f.err(`COPY --from=${from[1]}: no such stage`);
        continue;
      }
      for (const src of args(i).slice(0, -1)) {
        if (src === '.' || /[*?$]/.test(src)) continue;
        const rel = src.replace(/^\.?\/+/, '');
        if (!existsSync(join(ctx, rel))) f.err(`COPY ${src}: not in the build context`);
        else if (ignored(rel)) f.err(`COPY ${src}: excluded by .dockerignore`);
      }
    }
}

/** What `docker build .` would send: the context minus .dockerignore, which should stay small. */
function checkContextSize(f: Findings, ctx: string, ignored: (path: string) => boolean, canPrune: boolean): void {
  const limit = Number(process.env.DEPLOY_CHECK_CONTEXT_LIMIT_MB || 50) * 1024 * 1024;
  const sizes = new Map<string, number>();
  let total = 0;
  let files = 0;
  const walk = (rel: string) => {
    for (const e of readdirSync(join(ctx, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!(canPrune && ignored(r))) walk(r);
      } else if (!ignored(r) && (e.isFile() || e.isSymbolicLink())) {
        const size = e.isFile() ? statSync(join(ctx, r)).size : 0;
        total += size;
        files++;
        const top = r.split('/').slice(0, 3).join('/');
        sizes.set(top, (sizes.get(top) ?? 0) + size);
      }
    }
  };
  walk('');
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  f.note(`build context: ${files} files, ${mb(total)}`);
  if (total > limit) {
    const biggest = [...sizes].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, v]) => `${k} ${mb(v)}`);
    f.err(`build context is ${mb(total)} (limit ${mb(limit)}); biggest: ${biggest.join(', ')}; extend .dockerignore`);
  }
}
