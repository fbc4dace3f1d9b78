// tools/deploy-check.sh (the program in tools/deploy-check/) validates the deployment files offline (no Docker
// engine, no cluster here). These tests run it on the repo's files (must pass) and on broken copies (must fail,
// and say why), so the check itself is known to bite. They also compare its fallback kustomize renderer with
// kubectl's, and run the container health check script against a real HTTP server.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, Socket, type AddressInfo, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';

const ROOT = resolve(__dirname, '..');
const SCRIPT = join(ROOT, 'tools/deploy-check.sh');

interface Run {
  status: number | null;
  out: string;
}

// Asynchronous: a run takes seconds to minutes, and a worker blocked that long misses vitest's own RPC deadlines.
function deployCheck(env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    const child = execFile('bash', [SCRIPT], { cwd: ROOT, env: { ...process.env, CI: 'true', ...env }, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      done({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, out: `${stdout}${stderr}` }),
    );
    child.stdin?.end(); // no stdin, as in CI
  });
}

function hasCommand(cmd: string): boolean {
  return spawnSync('bash', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'wharf-deploy-check-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** A copy of a repo file with one edit; fails the test if the edit did not apply. */
function brokenCopy(rel: string, edit: (text: string) => string): string {
  const text = readFileSync(join(ROOT, rel), 'utf8');
  const changed = edit(text);
  expect(changed, `edit of ${rel} changed nothing`).not.toBe(text);
  const file = join(mkdtempSync(join(scratch, 'f-')), rel.split('/').pop() ?? rel);
  writeFileSync(file, changed);
  return file;
}

/** A copy of k8s/ with one file edited (`rel` inside k8s/, e.g. base/sqs.yaml); returns the copy's k8s/. */
function brokenK8s(rel: string, edit: (text: string) => string): string {
  const dir = join(mkdtempSync(join(scratch, 'k-')), 'k8s');
  cpSync(join(ROOT, 'k8s'), dir, { recursive: true });
  const file = join(dir, rel);
  const text = readFileSync(file, 'utf8');
  const changed = edit(text);
  expect(changed, `edit of k8s/${rel} changed nothing`).not.toBe(text);
  writeFileSync(file, changed);
  return dir;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a compose file is free-form YAML
type Compose = { services: Record<string, any>; volumes: Record<string, unknown> };
/** docker-compose.yml (anchors and merges expanded) changed by `mutate`, written to a scratch file. */
function composeVariant(mutate: (c: Compose) => void): string {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as Compose;
  mutate(compose);
  const file = join(mkdtempSync(join(scratch, 'c-')), 'docker-compose.yml');
  writeFileSync(file, stringify(compose));
  return file;
}

describe('tools/deploy-check.sh', () => {
  it('passes on the repository: compose config, kustomize build + Kubernetes schema (base and cluster overlay), Dockerfile lint', { timeout: 300_000 }, async () => {
    const r = await deployCheck();
    expect(r.out).toContain('== compose');
    expect(r.out).toContain('== k8s:');
    expect(r.out).toContain('== k8s-cluster:');
    expect(r.out).toContain('== dockerfile');
    expect(r.out, r.out).toMatch(/deploy-check: OK \(4 checks\)/);
    expect(r.status, r.out).toBe(0);
  });

  describe('rejects a broken docker-compose.yml', () => {
    const only = { DEPLOY_CHECK_ONLY: 'compose' };

    it('a service without a healthcheck', { timeout: 120_000 }, async () => {
      const file = composeVariant((c) => delete c.services.redis.healthcheck);
      const r = await deployCheck({ ...only, DEPLOY_CHECK_COMPOSE_FILE: file });
      expect(r.status, r.out).toBe(1);
      expect(r.out).toContain('service "redis" has no healthcheck');
      // and whoever waits for redis is told it can never become healthy
      expect(r.out).toContain('waits for redis to be healthy, but redis has no healthcheck');
    });

    it('a depends_on that does not wait for service_healthy', { timeout: 120_000 }, async () => {
      const file = composeVariant((c) => (c.services.kinesis.depends_on.kafka.condition = 'service_started'));
      const r = await deployCheck({ ...only, DEPLOY_CHECK_COMPOSE_FILE: file });
      expect(r.status, r.out).toBe(1);
      expect(r.out).toContain('depends_on kafka must use condition: service_healthy');
    });

    it('an ActiveMQ pair on two volumes instead of one', { timeout: 120_000 }, async () => {
      const file = composeVariant((c) => {
        c.services['activemq-b'].volumes = c.services['activemq-b'].volumes.map((v: string) => v.replace(/^activemq-shared:/, 'activemq-b-data:'));
        c.volumes['activemq-b-data'] = null;
      });
      const r = await deployCheck({ ...only, DEPLOY_CHECK_COMPOSE_FILE: file });
      expect(r.status, r.out).toBe(1);
      expect(r.out).toContain('ActiveMQ pair: volume "activemq-b-data" is not shared by both brokers');
      expect(r.out).toContain('activemq-a and activemq-b must share the named volume that holds the KahaDB');
    });

    it('a file the Compose schema rejects (docker compose config)', { timeout: 120_000 }, async () => {
      const file = brokenCopy('docker-compose.yml', (t) => t.replace('      retries: 10\n', '      retrys: 10\n'));
      const r = await deployCheck({ ...only, DEPLOY_CHECK_COMPOSE_FILE: file });
      expect(r.status, r.out).toBe(1);
      expect(r.out).toContain('docker compose config rejected the file');
      expect(r.out).toMatch(/retrys/);
    });
  });

  it.skipIf(!existsSync('/usr/lib/rabbitmq/lib') || !hasCommand('escript'))(
    'rejects a RabbitMQ config key or plugin that RabbitMQ does not know (its own schemas)',
    { timeout: 120_000 },
    async () => {
      const conf = brokenCopy('deploy/rabbitmq/wharf.conf', (t) => t.replace('mqtt.allow_anonymous', 'mqtt.alow_anonymous'));
      const plugins = brokenCopy('deploy/rabbitmq/enabled_plugins', (t) => t.replace('rabbitmq_mqtt', 'rabbitmq_mqttt'));
      const r = await deployCheck({ DEPLOY_CHECK_ONLY: 'compose', DEPLOY_CHECK_RABBITMQ_CONF: conf, DEPLOY_CHECK_RABBITMQ_PLUGINS: plugins });
      expect(r.status, r.out).toBe(1);
      expect(r.out).toContain('unknown variable: mqtt.alow_anonymous');
      expect(r.out).toContain('no such plugin rabbitmq_mqttt');
    },
  );

  describe('rejects broken Kubernetes manifests', () => {
    const only = { DEPLOY_CHECK_ONLY: 'k8s' };

    it('an unknown field (misspelt readinessProbe), which the JSON schema alone lets through', { timeout: 120_000 }, async () => {
      const dir = brokenK8s('base/sqs.yaml', (t) => t.replace('          readinessProbe:', '          readinesProbe:'));
      const r = await deployCheck({ ...only, DEPLOY_CHECK_K8S_DIR: dir });
      expect(r.status, r.out).toBe(1);
      expect(r.out).toMatch(/Deployment\/sqs: unknown or mistyped field: .*readinesProbe/);
    });

    it('a wrongly typed field (schema)', { timeout: 120_000 }, async () => {
      const dir = brokenK8s('base/edge.yaml', (t) => t.replace('  replicas: 1\n', '  replicas: one\n'));
      const r = await deployCheck({ ...only, DEPLOY_CHECK_K8S_DIR: dir });
      expect(r.status, r.out).toBe(1);
      expect(r.out).toMatch(/Deployment\/edge: schema: .*replicas must be integer/);
    });

    it('the ActiveMQ pair on a ReadWriteOnce claim', { timeout: 120_000 }, async () => {
      const dir = brokenK8s('base/activemq.yaml', (t) => t.replace('accessModes: ["ReadWriteMany"]', 'accessModes: ["ReadWriteOnce"]'));
      const r = await deployCheck({ ...only, DEPLOY_CHECK_K8S_DIR: dir });
      expect(r.status, r.out).toBe(1);
      expect(r.out).toContain('PersistentVolumeClaim/activemq-shared: accessModes must include ReadWriteMany');
    });

    it('a Service whose targetPort names no container port', { timeout: 120_000 }, async () => {
      const dir = brokenK8s('base/mq.yaml', (t) => t.replace('      targetPort: http', '      targetPort: htp'));
      const r = await deployCheck({ ...only, DEPLOY_CHECK_K8S_DIR: dir });
      expect(r.status, r.out).toBe(1);
      expect(r.out).toContain('Service/mq: targetPort "htp" is not a named port');
    });
  });

  describe("rejects a cluster profile that is not the topology it promises (docker-compose.yml --profile cluster)", () => {
    const only = { DEPLOY_CHECK_ONLY: 'compose' };

    it('an edge that leaves a replica out of its upstream list', { timeout: 120_000 }, async () => {
      const file = composeVariant((c) => (c.services['edge-2'].environment.WHARF_SQS_URL = 'http://sqs-1:9324'));
      const r = await deployCheck({ ...only, DEPLOY_CHECK_COMPOSE_FILE: file });
      expect(r.status, r.out).toBe(1);
      expect(r.out).toContain('edge-2: WHARF_SQS_URL names sqs-1:9324, not the sqs replicas sqs-1:9324, sqs-2:9324');
    });

    it('a Kafka node that is not a voter, and a Redis Cluster created without replicas', { timeout: 120_000 }, async () => {
      const file = composeVariant((c) => {
        for (const k of ['kafka-1', 'kafka-2', 'kafka-3']) c.services[k].environment.KAFKA_CONTROLLER_QUORUM_VOTERS = '1@kafka-1:9093,2@kafka-2:9093';
        c.services['redis-cluster-init'].command = c.services['redis-cluster-init'].command.map((x: string) => x.replace('--cluster-replicas 1', '--cluster-replicas 0'));
      });
      const r = await deployCheck({ ...only, DEPLOY_CHECK_COMPOSE_FILE: file });
      expect(r.status, r.out).toBe(1);
      expect(r.out).toContain('kafka-3: KAFKA_CONTROLLER_QUORUM_VOTERS is 1@kafka-1:9093,2@kafka-2:9093, not every node as a voter');
      expect(r.out).toContain('redis-cluster-init: --cluster-replicas 1 is missing');
    });

    it('a setting no Wharf code reads (misspelt)', { timeout: 120_000 }, async () => {
      const file = composeVariant((c) => {
        delete c.services['sqs-1'].environment.WHARF_REDIS_WAIT_REPLICAS;
        c.services['sqs-1'].environment.WHARF_REDIS_WAIT_REPLICA = '1';
      });
      const r = await deployCheck({ ...only, DEPLOY_CHECK_COMPOSE_FILE: file });
      expect(r.status, r.out).toBe(1);
      expect(r.out).toContain('service "sqs-1": WHARF_REDIS_WAIT_REPLICA is read by no code of sqs');
    });

    it('the one-process service outside its profile, given a setting no app reads', { timeout: 120_000 }, async () => {
      const file = composeVariant((c) => {
        delete c.services.wharf.profiles;
        c.services.wharf.environment.WHARF_KAFKA_BROKER = 'kafka:9092';
      });
      const r = await deployCheck({ ...only, DEPLOY_CHECK_COMPOSE_FILE: file });
      expect(r.status, r.out).toBe(1);
      expect(r.out).toContain('service "wharf" runs every app in one process: it belongs in the profile "one"');
      expect(r.out).toContain('service "wharf": WHARF_KAFKA_BROKER is read by no Wharf code');
    });
  });

  describe('rejects a broken cluster overlay (k8s/overlays/cluster)', () => {
    const only = { DEPLOY_CHECK_ONLY: 'k8s-cluster' };
    const overlay = (rel: string, edit: (text: string) => string) => ({ ...only, DEPLOY_CHECK_K8S_CLUSTER_DIR: join(brokenK8s(`overlays/cluster/${rel}`, edit), 'overlays/cluster') });

    it('a PodDisruptionBudget whose selector matches no pods', { timeout: 120_000 }, async () => {
      const r = await deployCheck(overlay('disruption-budgets.yaml', (t) => t.replace('name: kafka\nspec:\n  minAvailable: 2\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: kafka', 'name: kafka\nspec:\n  minAvailable: 2\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: kafka-broker')));
      expect(r.status, r.out).toBe(1);
      expect(r.out).toContain('PodDisruptionBudget/kafka: selector {"app.kubernetes.io/name":"kafka-broker"} matches no pods');
      expect(r.out).toContain('StatefulSet/kafka: no PodDisruptionBudget; one wanted');
    });

    it('a PodDisruptionBudget that no drain could ever satisfy, and one that lets a broker lose its majority', { timeout: 120_000 }, async () => {
      const r = await deployCheck(
        overlay('disruption-budgets.yaml', (t) =>
          t.replace('name: kafka\nspec:\n  minAvailable: 2', 'name: kafka\nspec:\n  minAvailable: 3').replace('name: rabbitmq\nspec:\n  minAvailable: 2', 'name: rabbitmq\nspec:\n  minAvailable: 1'),
        ),
      );
      expect(r.status, r.out).toBe(1);
      expect(r.out).toContain('PodDisruptionBudget/kafka: StatefulSet/kafka has 3 replicas, so no pod may ever be evicted');
      expect(r.out).toContain('PodDisruptionBudget/rabbitmq: keeps 1 of 3 rabbitmq pods, not a majority');
    });

    it('a Redis URL that leaves a pod out, and a misspelt setting', { timeout: 120_000 }, async () => {
      const r = await deployCheck(overlay('wharf-env.yaml', (t) => t.replace(',redis-5.redis:6379', '').replace('WHARF_SNS_QUEUE_TYPE', 'WHARF_SNS_QUEUE_KIND')));
      expect(r.status, r.out).toBe(1);
      expect(r.out).toMatch(/ConfigMap\/wharf-env: WHARF_REDIS_URL names redis-0\.redis:6379, .*, not the pods .*redis-5\.redis:6379/);
      expect(r.out).toContain('ConfigMap/wharf-env: WHARF_SNS_QUEUE_KIND is read by no Wharf code');
    });

    it('a service left at one replica (its patch dropped): too few, and its budget blocks every drain', { timeout: 120_000 }, async () => {
      const r = await deployCheck(overlay('kustomization.yaml', (t) => t.replace('  - path: mq.yaml\n', '')));
      expect(r.status, r.out).toBe(1);
      expect(r.out).toContain('Deployment/mq: replicas 1; at least 2 wanted');
      expect(r.out).toContain('PodDisruptionBudget/mq: Deployment/mq has 1 replicas, so no pod may ever be evicted');
    });
  });

  /** The Dockerfile with one stage's text edited (from its FROM line to the next stage's). */
  const inStage = (t: string, name: string, edit: (stage: string) => string) => {
    const at = t.indexOf(` AS ${name}\n`);
    const end = t.indexOf('\nFROM ', at);
    return t.slice(0, at) + edit(t.slice(at, end < 0 ? undefined : end)) + (end < 0 ? '' : t.slice(end));
  };

  it('rejects a Dockerfile whose serving stages run as root without a HEALTHCHECK (both inherit them from "served")', { timeout: 120_000 }, async () => {
    const file = brokenCopy('Dockerfile', (t) => inStage(t, 'served', (s) => s.replace('USER node\n', '').replace(/HEALTHCHECK [^\n]*\\\n[^\n]*\n/, '')));
    const r = await deployCheck({ DEPLOY_CHECK_ONLY: 'dockerfile', DEPLOY_CHECK_DOCKERFILE: file });
    expect(r.status, r.out).toBe(1);
    expect(r.out).toContain('the runtime stage runs as root; add a non-root USER');
    expect(r.out).toContain('the runtime stage has no HEALTHCHECK');
    expect(r.out).toContain('the stage "one" runs as root; add a non-root USER');
    expect(r.out).toContain('the stage "one" has no HEALTHCHECK');
  });

  it('rejects a runtime stage that goes back to root after what it inherits', { timeout: 120_000 }, async () => {
    const file = brokenCopy('Dockerfile', (t) => inStage(t, 'runtime', (s) => s.replace('ENV APP=${APP}\n', 'ENV APP=${APP}\nUSER root\n')));
    const r = await deployCheck({ DEPLOY_CHECK_ONLY: 'dockerfile', DEPLOY_CHECK_DOCKERFILE: file });
    expect(r.status, r.out).toBe(1);
    expect(r.out).toContain('the runtime stage runs as root; add a non-root USER');
    expect(r.out).not.toContain('the stage "one"');
  });

  it('rejects a stage "one" (every app in one process) that runs as root or not the launcher', { timeout: 120_000 }, async () => {
    const file = brokenCopy('Dockerfile', (t) =>
      inStage(t, 'one', (s) => s.replace('ENV APP=one\n', 'ENV APP=one\nUSER 0\n').replace('CMD ["node", "tools/one-process.cjs"]', 'CMD ["node", "apps/edge/dist/main.js"]')),
    );
    const r = await deployCheck({ DEPLOY_CHECK_ONLY: 'dockerfile', DEPLOY_CHECK_DOCKERFILE: file });
    expect(r.status, r.out).toBe(1);
    expect(r.out).toContain('the stage "one" runs as 0; add a non-root USER');
    expect(r.out).toContain('the stage "one" must run node tools/one-process.cjs');
    expect(r.out).not.toContain('the runtime stage runs as');
  });

  it('its fallback renderer (no kubectl/kustomize) also passes the real k8s/ and its cluster overlay', { timeout: 120_000 }, async () => {
    const r = await deployCheck({ DEPLOY_CHECK_ONLY: 'k8s,k8s-cluster', DEPLOY_CHECK_RENDERER: 'node' });
    expect(r.out).toContain('built-in renderer');
    expect(r.status, r.out).toBe(0);
  });

  for (const dir of ['k8s', 'k8s/overlays/cluster'])
  it.skipIf(!hasCommand('kubectl'))(`its fallback renderer gives what kubectl kustomize gives for ${dir} (the overlay: patches)`, { timeout: 120_000 }, () => {
    const kubectl = spawnSync('kubectl', ['kustomize', join(ROOT, dir)], { encoding: 'utf8' });
    expect(kubectl.status, kubectl.stderr).toBe(0);
    // the built-in renderer, as `tools/deploy-check.sh render <dir>` runs it
    const node = spawnSync('bash', [SCRIPT, 'render', join(ROOT, dir)], { cwd: ROOT, encoding: 'utf8', input: '' });
    expect(node.status, node.stderr).toBe(0);
    const load = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
    const ours = load(node.stdout);
    const theirs = load(kubectl.stdout);
    expect(ours.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(theirs.map((o) => `${o.kind}/${o.metadata.name}`));
    const differing = ours.filter((o, i) => !isDeepStrictEqual(o, theirs[i])).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(differing).toEqual([]);
  });
});

describe('deploy/healthcheck.mjs (the image HEALTHCHECK)', () => {
  let server: Server;
  let port: number;
  let status = 200;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.statusCode = req.url === '/health' ? status : 404;
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  // asynchronous: the server runs in this process and must keep answering while the probe runs
  const probe = (env: Record<string, string>) =>
    new Promise<number>((done) => {
      execFile(process.execPath, [join(ROOT, 'deploy/healthcheck.mjs')], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 15_000 }, (error) =>
        done(error ? Number((error as { code?: unknown }).code ?? 1) : 0),
      );
    });

  it('exits 0 on 200, 1 on 503 and 1 when nothing listens', async () => {
    status = 200;
    expect(await probe({ APP: 'sqs', SQS_PORT: String(port) })).toBe(0);
    status = 503;
    expect(await probe({ APP: 'sqs', SQS_PORT: String(port) })).toBe(1);
    status = 200;
    expect(await probe({ APP: 'edge', WHARF_HEALTH_PORT: String(port) })).toBe(0);
    expect(await probe({ APP: 'sqs', SQS_PORT: '1' })).toBe(1); // connection refused
    expect(await probe({ APP: 'nope' })).toBe(1);
  });

  it('APP=one (every app in one process): healthy only when each app it runs answers 200 on its own port', async () => {
    status = 200;
    expect(await probe({ APP: 'one', WHARF_APPS: 'sqs,edge', SQS_PORT: String(port), EDGE_PORT: String(port) })).toBe(0);
    expect(await probe({ APP: 'one', WHARF_APPS: 'sqs,edge', SQS_PORT: String(port), EDGE_PORT: '1' })).toBe(1); // the edge is down
    status = 503;
    expect(await probe({ APP: 'one', WHARF_APPS: 'sqs', SQS_PORT: String(port) })).toBe(1);
    status = 200;
    expect(await probe({ APP: 'one', WHARF_APPS: 'sqs,nope', SQS_PORT: String(port) })).toBe(1); // an app it has no port for
    expect(await probe({ APP: 'one', WHARF_HEALTH_PORT: String(port) })).toBe(0); // one named port, whatever apps run
  });
});

// deploy/activemq/broker.xml is what both containers of the pair load. No Docker here, but the same ActiveMQ
// Classic (6.1.x) runs from the Maven jars tools/brokers fetches: start two brokers from this very file (only
// paths and ports rewritten), and check that Spring/xbean accepts it, that they form an active/standby pair on
// the shared KahaDB, that deploy/activemq/healthcheck.sh calls both healthy, and that the standby takes over.
const ACTIVEMQ_LIB = join(ROOT, 'tools/brokers/activemq/lib');
const haveActiveMqJars = existsSync(ACTIVEMQ_LIB) && readdirSync(ACTIVEMQ_LIB).some((f) => f.startsWith('activemq-broker-'));
const haveJava = spawnSync('java', ['-version'], { encoding: 'utf8' }).status === 0;

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<TcpServer>((ok) => {
      const s = createTcpServer();
      s.listen(0, '127.0.0.1', () => ok(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
  return ports;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!haveActiveMqJars || !haveJava)('deploy/activemq (the pair\'s broker.xml and healthcheck.sh) on ActiveMQ from jars', () => {
  const brokers: ChildProcess[] = [];
  afterAll(async () => {
    for (const b of brokers) if (b.exitCode === null && b.signalCode === null) b.kill('SIGKILL');
    await sleep(200);
  });

  const health = (port: number, log: string) =>
    new Promise<number>((done) => {
      execFile('bash', [join(ROOT, 'deploy/activemq/healthcheck.sh')], { env: { PATH: process.env.PATH ?? '', ACTIVEMQ_HEALTH_PORT: String(port), ACTIVEMQ_HEALTH_LOG: log }, timeout: 10_000 }, (error) =>
        done(error ? Number((error as { code?: unknown }).code ?? 1) : 0),
      );
    });
  const portOpen = (port: number) =>
    new Promise<boolean>((done) => {
      const sock = new Socket();
      sock.once('connect', () => (sock.destroy(), done(true)));
      sock.once('error', () => done(false));
      sock.connect(port, '127.0.0.1');
    });
  async function until(what: string, cond: () => Promise<boolean>, ms: number, log?: string): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await cond()) return;
      await sleep(250);
    }
    throw new Error(`timed out waiting for ${what}${log && existsSync(log) ? `\n${readFileSync(log, 'utf8').slice(-3000)}` : ''}`);
  }

  it('loads in ActiveMQ, forms an active/standby pair on the shared KahaDB, and the standby takes over', { timeout: 180_000 }, async () => {
    const xml = readFileSync(join(ROOT, 'deploy/activemq/broker.xml'), 'utf8');
    const dir = mkdtempSync(join(scratch, 'amq-'));
    const shared = join(dir, 'shared');
    mkdirSync(shared);
    const start = async (name: string) => {
      const ports = await freePorts(5);
      let conf = xml
        .replace(/(<kahaDB directory=")[^"]*"/, `$1${join(shared, 'kahadb')}"`)
        .replace(/(dataDirectory=")[^"]*"/, `$1${join(dir, name, 'data')}"`);
      const connectorPorts = [...xml.matchAll(/0\.0\.0\.0:(\d+)/g)].map((m) => m[1]);
      expect(connectorPorts).toHaveLength(5);
      connectorPorts.forEach((p, i) => (conf = conf.replace(`0.0.0.0:${p}`, `127.0.0.1:${ports[i]}`)));
      expect(conf).toContain(`<kahaDB directory="${join(shared, 'kahadb')}"`);
      expect(conf).toContain(`dataDirectory="${join(dir, name, 'data')}"`);
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'broker.xml'), conf);
      const log = join(dir, name, 'out.log');
      const out = openSync(log, 'w');
      const child = spawn(
        'java',
        ['-Xms64m', '-Xmx256m', '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${join(ROOT, 'tools/brokers/activemq/log4j2.properties')}`, `-Dactivemq.base=${join(dir, name)}`, `-Dactivemq.data=${join(dir, name, 'data')}`, '-cp', `${ACTIVEMQ_LIB}/*`, 'org.apache.activemq.console.command.ShellCommand', 'start', `xbean:file:${join(dir, name, 'broker.xml')}`],
        { stdio: ['ignore', out, out] },
      );
      brokers.push(child);
      return { child, openwire: ports[0], log };
    };

    const a = await start('a');
    await until('broker a to become active (OpenWire port open)', () => portOpen(a.openwire), 90_000, a.log);
    expect(await health(a.openwire, a.log)).toBe(0);
    expect(existsSync(join(shared, 'kahadb', 'lock'))).toBe(true);

    const b = await start('b');
    await until('broker b to wait for the lock as a standby', async () => /waiting a lock to be acquired/.test(readFileSync(b.log, 'utf8')), 90_000, b.log);
    expect(await portOpen(b.openwire)).toBe(false); // a standby opens no port
    expect(await health(b.openwire, b.log)).toBe(0); // ... and is healthy all the same

    a.child.kill('SIGKILL');
    await until('broker b to take over (OpenWire port open)', () => portOpen(b.openwire), 60_000, b.log);
    expect(await health(b.openwire, b.log)).toBe(0);
    expect(await health(a.openwire, join(dir, 'nothing.log'))).toBe(1); // a dead broker is not healthy
  });
});
