// The external tools deploy-check drives: docker compose, RabbitMQ's own schemas (escript), kubectl or
// kustomize, tsc and npm. Each returns whether it passed and prints what the tool said when it did not.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { hasCommand, printIndented, run } from './findings';
import { renderKustomizationYaml } from './kustomize';

/** `docker compose` (v2 plugin) or `docker-compose`, installing Debian's when root and allowed. */
export function composeCommand(): string[] | undefined {
  if (run('docker', ['compose', 'version']).ok) return ['docker', 'compose'];
  if (!hasCommand('docker-compose')) {
    if (process.env.DEPLOY_CHECK_NO_INSTALL || process.getuid?.() !== 0 || !hasCommand('apt-get')) return undefined;
    console.log("  installing Debian's docker-compose (apt-get install -y docker-compose)");
    const apt = run('bash', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose']);
    if (!apt.ok) {
      printIndented(`${apt.stdout}${apt.stderr}`.trimEnd().split('\n').slice(-20).join('\n'));
      return undefined;
    }
  }
  return ['docker-compose'];
}

/** `config -q`: the Compose schema; the project directory is the repo, so ./Dockerfile and ./deploy/ resolve. */
export function composeConfig(compose: string[], file: string, root: string): boolean {
  const version = run(compose[0], [...compose.slice(1), 'version', '--short']);
  console.log(`  ${compose.join(' ')} ${version.stdout.trim()}: config -q`);
  const r = run(compose[0], [...compose.slice(1), '-f', file, '--project-directory', root, 'config', '-q'], root);
  if (!r.ok) printIndented(`${r.stdout}${r.stderr}`);
  return r.ok;
}

/** RabbitMQ's cuttlefish schemas on the .conf, enabled_plugins against the plugins that exist (Debian's 3.10). */
export function rabbitmqSchemas(root: string, conf: string, plugins: string): boolean {
  const lib = '/usr/lib/rabbitmq/lib';
  const servers = existsSync(lib) ? readdirSync(lib).filter((d) => d.startsWith('rabbitmq_server-') && existsSync(join(lib, d, 'plugins'))) : [];
  const pluginsDir = servers.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).map((d) => join(lib, d, 'plugins')).at(-1);
  if (!pluginsDir || !hasCommand('escript')) {
    console.log("  note: Debian's rabbitmq-server is not installed; deploy/rabbitmq/wharf.conf not checked against RabbitMQ's schemas");
    return true;
  }
  const rel = (p: string) => (p.startsWith(`${root}/`) ? p.slice(root.length + 1) : p);
  console.log(`  RabbitMQ config schemas (${basename(dirname(pluginsDir))}): ${rel(conf)}, ${rel(plugins)}`);
  const r = run('escript', [join(root, 'tools/deploy-check/rabbitmq-conf.escript'), pluginsDir, conf, plugins]);
  process.stdout.write(r.stdout);
  if (!r.ok) printIndented(r.stderr.split('\n').filter((l) => l && !l.startsWith('=ERROR REPORT')).slice(0, 20).join('\n'));
  return r.ok;
}

/** k8s/ rendered into `out` by kubectl, kustomize or the built-in renderer (DEPLOY_CHECK_RENDERER). */
export function renderK8s(how: string, dir: string, out: string): boolean {
  if (how === 'auto') {
    if (hasCommand('kubectl') && run('kubectl', ['kustomize', '--help']).ok) how = 'kubectl';
    else if (hasCommand('kustomize')) how = 'kustomize';
    else how = 'node';
  }
  let r;
  if (how === 'kubectl') {
    const version = run('kubectl', ['version', '--client']).stdout.split('\n').filter((l) => /kustomize/i.test(l));
    console.log(`  kubectl kustomize (${version.join('')})`);
    r = run('kubectl', ['kustomize', dir]);
  } else if (how === 'kustomize') {
    console.log(`  kustomize build (${run('kustomize', ['version']).stdout.split('\n')[0]})`);
    r = run('kustomize', ['build', dir]);
  } else if (how === 'node') {
    console.log('  built-in renderer (tools/deploy-check; used where neither kubectl nor kustomize is installed)');
    try {
      writeFileSync(out, renderKustomizationYaml(dir));
      return true;
    } catch (e) {
      printIndented(e instanceof Error ? e.message : String(e));
      return false;
    }
  } else {
    printIndented(`  unknown DEPLOY_CHECK_RENDERER=${how}`);
    return false;
  }
  writeFileSync(out, r.stdout);
  if (!r.ok) printIndented(r.stderr);
  return r.ok;
}

/**
 * tsc on the objects as literals of kubernetes-models' interfaces: an excess property is an unknown field
 * (a misspelt `readinesProbe` passes the JSON schema, not this). Each error names the object it is in.
 */
export function typeCheckManifests(root: string, work: string, source: string): boolean {
  const ts = join(work, 'manifests.ts');
  writeFileSync(ts, source);
  const compilerOptions = { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', skipLibCheck: true, types: [] };
  writeFileSync(join(work, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['manifests.ts'] }));
  const r = run(join(root, 'node_modules/.bin/tsc'), ['-p', join(work, 'tsconfig.json')], root);
  if (r.ok) return true;
  // "manifests.ts(LINE,COL): error TS…" → the object whose "// Kind/name" comment the line falls under
  const owner: string[] = [];
  let current = '';
  readFileSync(ts, 'utf8')
    .split('\n')
    .forEach((l, i) => {
      if (l.startsWith('// ')) current = l.slice(3);
      owner[i + 1] = current;
    });
  for (const l of `${r.stdout}${r.stderr}`.split('\n').filter(Boolean)) {
    const m = /manifests\.ts\((\d+),/.exec(l);
    if (m) console.log(`  error: ${owner[Number(m[1])]}: unknown or mistyped field: ${l.replace(/^.*error TS\d+: /, '')}`);
    else console.log(`    ${l}`);
  }
  return false;
}

/**
 * The image's build stage starts with npm ci, which refuses a package-lock.json out of step with the
 * package.json files (every workspace's too). --dry-run checks exactly that, touches nothing, needs no network.
 */
export function npmCiDryRun(root: string): boolean {
  const r = run('npm', ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], root);
  if (!r.ok) {
    const lines = `${r.stdout}${r.stderr}`.split('\n').filter((l) => /Missing:|Invalid:|npm error [a-z`]/.test(l));
    printIndented([...new Set(lines)].sort().slice(0, 12).join('\n'));
  }
  return r.ok;
}
