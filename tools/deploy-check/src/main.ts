// Offline validation of Wharf's deployment files: no Docker engine, no cluster, no network beyond the Debian
// and npm registries (and those only to install a missing docker-compose). Run it as tools/deploy-check.sh;
// what each check covers is said there. `main.js render <dir>` prints what the built-in kustomize renderer
// makes of <dir>.
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { checkCompose } from './compose';
import { checkDockerfile } from './dockerfile';
import { Findings, hasCommand, loadYaml, run } from './findings';
import { checkK8s } from './k8s';
import { renderKustomizationYaml } from './kustomize';
import { composeCommand, composeConfig, npmCiDryRun, rabbitmqSchemas, renderK8s, typeCheckManifests } from './tools';

const ROOT = resolve(__dirname, '../../..');
const env = (name: string, fallback: string) => resolve(ROOT, process.env[name] || fallback);
const COMPOSE_FILE = env('DEPLOY_CHECK_COMPOSE_FILE', 'docker-compose.yml');
const K8S_DIR = env('DEPLOY_CHECK_K8S_DIR', 'k8s');
const DOCKERFILE = env('DEPLOY_CHECK_DOCKERFILE', 'Dockerfile');
const RABBITMQ_CONF = env('DEPLOY_CHECK_RABBITMQ_CONF', 'deploy/rabbitmq/wharf.conf');
const RABBITMQ_PLUGINS = env('DEPLOY_CHECK_RABBITMQ_PLUGINS', 'deploy/rabbitmq/enabled_plugins');
const RABBITMQ_CLUSTER_CONF = env('DEPLOY_CHECK_RABBITMQ_CLUSTER_CONF', 'deploy/rabbitmq/cluster.conf');
const K8S_CLUSTER_DIR = env('DEPLOY_CHECK_K8S_CLUSTER_DIR', 'k8s/overlays/cluster');
const CHECKS = ['compose', 'k8s', 'k8s-cluster', 'dockerfile'];
const ONLY = (process.env.DEPLOY_CHECK_ONLY || CHECKS.join(',')).split(',');
const RENDERER = process.env.DEPLOY_CHECK_RENDERER || 'auto';

let failures = 0;
function fail(check: string, message: string): void {
  console.log(`FAIL [${check}] ${message}`);
  failures++;
}
const isFile = (p: string) => existsSync(p) && statSync(p).isFile();

function composeCheck(): void {
  console.log(`== compose: ${COMPOSE_FILE}`);
  if (!isFile(COMPOSE_FILE)) return fail('compose', `${COMPOSE_FILE} does not exist`);
  let ok = true;
  const compose = composeCommand();
  if (!compose) {
    fail('compose', 'no docker compose v2 plugin and no docker-compose (apt-get install -y docker-compose)');
    ok = false;
  } else if (!composeConfig(compose, COMPOSE_FILE, ROOT)) {
    fail('compose', 'docker compose config rejected the file');
    ok = false;
  }
  const f = new Findings();
  if (!f.run(() => checkCompose(f, COMPOSE_FILE, ROOT)).report()) {
    fail('compose', 'structural checks failed');
    ok = false;
  }
  if (!rabbitmqSchemas(ROOT, RABBITMQ_CONF, RABBITMQ_PLUGINS) || !rabbitmqSchemas(ROOT, RABBITMQ_CLUSTER_CONF, RABBITMQ_PLUGINS)) {
    fail('compose', 'RabbitMQ rejects deploy/rabbitmq/wharf.conf, cluster.conf or enabled_plugins');
    ok = false;
  }
  if (ok) console.log('  ok');
}

/** `k8s`: the base (one node of each broker); `k8s-cluster`: the cluster overlay, with its topology checked too. */
async function k8sCheck(check: 'k8s' | 'k8s-cluster', dir: string, work: string): Promise<void> {
  console.log(`== ${check}: ${dir}`);
  const rendered = join(work, `${check}.yaml`);
  if (!renderK8s(RENDERER, dir, rendered)) return fail(check, 'kustomize build failed');
  let ok = true;
  const f = new Findings();
  let source = '';
  try {
    source = await checkK8s(f, rendered, ROOT, COMPOSE_FILE, check === 'k8s-cluster');
  } catch (e) {
    f.err(e instanceof Error ? e.message : String(e));
  }
  if (!f.report()) {
    fail(check, 'schema or structural checks failed');
    ok = false;
  }
  if (source && !typeCheckManifests(ROOT, work, source)) {
    fail(check, 'objects do not type-check against kubernetes-models (unknown or mistyped fields)');
    ok = false;
  }
  if (check === 'k8s-cluster' && !k8sRabbitmqSchemas(rendered)) {
    fail(check, "RabbitMQ rejects the overlay's k8s-cluster.conf");
    ok = false;
  }
  if (ok) console.log('  ok');
}

/** The overlay's RabbitMQ cluster settings (ConfigMap rabbitmq-config) through RabbitMQ's own schemas. */
function k8sRabbitmqSchemas(rendered: string): boolean {
  const cm = (loadYaml(rendered) as { kind?: string; metadata?: { name?: string }; data?: Record<string, string> }[]).find((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'rabbitmq-config');
  const text = cm?.data?.['k8s-cluster.conf'];
  if (!text) return true; // the structural check reports a missing one
  const file = join(dirname(rendered), 'k8s-cluster.conf');
  writeFileSync(file, text);
  return rabbitmqSchemas(ROOT, file, RABBITMQ_PLUGINS);
}

function dockerfileCheck(): void {
  console.log(`== dockerfile: ${DOCKERFILE}`);
  if (!isFile(DOCKERFILE)) return fail('dockerfile', `${DOCKERFILE} does not exist`);
  let ok = true;
  if (hasCommand('hadolint')) {
    console.log('  hadolint');
    const r = run('hadolint', [DOCKERFILE]);
    process.stdout.write(`${r.stdout}${r.stderr}`);
    if (!r.ok) {
      fail('dockerfile', 'hadolint found problems');
      ok = false;
    }
  }
  console.log('  dockerfile-utils lint + essentials + build context');
  const f = new Findings();
  if (!f.run(() => checkDockerfile(f, DOCKERFILE, ROOT)).report()) {
    fail('dockerfile', 'lint, essentials or build context failed');
    ok = false;
  }
  console.log("  npm ci --dry-run (the build stage's npm ci accepts package-lock.json)");
  if (!npmCiDryRun(ROOT)) {
    fail('dockerfile', "npm ci would fail in the image's build stage: package-lock.json is out of step (regenerate it with npm install)");
    ok = false;
  }
  if (ok) console.log('  ok');
}

async function main(): Promise<number> {
  const [command, dir] = process.argv.slice(2);
  if (command === 'render') {
    try {
      process.stdout.write(renderKustomizationYaml(resolve(dir ?? K8S_DIR)));
      return 0;
    } catch (e) {
      console.error(e instanceof Error ? e.message : String(e));
      return 1;
    }
  }
  mkdirSync(join(ROOT, 'tmp'), { recursive: true });
  // inside the repo, so that the generated TypeScript resolves the repo's node_modules
  const work = mkdtempSync(join(ROOT, 'tmp', 'deploy-check.'));
  const ran = CHECKS.filter((c) => ONLY.includes(c)).length;
  try {
    if (ONLY.includes('compose')) composeCheck();
    if (ONLY.includes('k8s')) await k8sCheck('k8s', K8S_DIR, work);
    if (ONLY.includes('k8s-cluster')) await k8sCheck('k8s-cluster', K8S_CLUSTER_DIR, work);
    if (ONLY.includes('dockerfile')) dockerfileCheck();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (failures === 0) {
    console.log(`deploy-check: OK (${ran} checks)`);
    return 0;
  }
  console.log(`deploy-check: FAILED (${failures} problems in ${ran} checks)`);
  return 1;
}

void main().then((code) => process.exit(code));
