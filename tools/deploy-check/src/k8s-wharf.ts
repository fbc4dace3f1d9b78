import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDeployment, IStatefulSet } from 'kubernetes-models/apps/v1';
import type { IPersistentVolumeClaim, IService } from 'kubernetes-models/v1';
import { checkBrokerXml } from './broker-xml';
import { CLUSTER } from './compose-cluster';
import { type ComposeFile, WHARF_APPS, appOf, inProfile } from './compose-model';
import { envNamesRead, isWharfSetting, readByWharf } from './env-names';
import { type Findings, isObj, loadYaml } from './findings';
import { type Manifests, claimTemplatesOf, containers, key, podSpec } from './manifests';

// ConfigMaps that carry deploy/ files verbatim: ConfigMap → key → file in the repo.
const COPIES = {
  'rabbitmq-config': { enabled_plugins: 'deploy/rabbitmq/enabled_plugins', 'wharf.conf': 'deploy/rabbitmq/wharf.conf' },
  'activemq-config': { 'broker.xml': 'deploy/activemq/broker.xml', 'healthcheck.sh': 'deploy/activemq/healthcheck.sh', 'login.config': 'deploy/activemq/login.config' },
};

/** Wharf's shape in k8s/: the apps with probes and ports, the brokers, the ActiveMQ pair, the shared env. */
export function checkWharfShape(f: Findings, m: Manifests, repoRoot: string, composeFile: string, cluster = false): void {
  for (const [app, port] of Object.entries(WHARF_APPS)) {
    const d = m.get<IDeployment>('Deployment', app);
    if (!d) {
      f.err(`Deployment/${app} is missing`);
      continue;
    }
    const svc = m.get<IService>('Service', app);
    if (!svc) f.err(`Service/${app} is missing`);
    const c = podSpec(d).containers?.[0];
    if (c?.readinessProbe?.httpGet?.path !== '/health') f.err(`Deployment/${app}: readinessProbe must GET /health`);
    if (c?.livenessProbe?.httpGet?.path !== '/health') f.err(`Deployment/${app}: livenessProbe must GET /health`);
    if (!(c?.ports ?? []).some((p) => p.containerPort === port)) f.err(`Deployment/${app}: container port ${port} is not declared`);
    if (!(c?.envFrom ?? []).some((e) => e.configMapRef?.name === 'wharf-env')) f.err(`Deployment/${app}: envFrom ConfigMap wharf-env is missing`);
    if (svc && !(svc.spec?.ports ?? []).some((p) => p.port === port)) f.err(`Service/${app} does not expose port ${port}`);
  }
  for (const b of ['redis', 'kafka', 'rabbitmq']) if (!m.get('StatefulSet', b)) f.err(`StatefulSet/${b} is missing`);
  const redis = m.get<IStatefulSet>('StatefulSet', 'redis');
  if (redis) {
    const c = podSpec(redis).containers?.[0];
    if (!/--appendonly\s+yes/.test([...(c?.command ?? []), ...(c?.args ?? [])].join(' '))) f.err('StatefulSet/redis: AOF is not on (--appendonly yes)');
    if (!(c?.volumeMounts ?? []).some((vm) => vm.mountPath === '/data' && (redis.spec?.volumeClaimTemplates ?? []).some((t) => t.metadata?.name === vm.name)))
      f.err('StatefulSet/redis: /data is not on a PVC');
  }
  const kafka = m.get<IStatefulSet>('StatefulSet', 'kafka');
  if (kafka) {
    const env = Object.fromEntries((podSpec(kafka).containers?.[0]?.env ?? []).map((e) => [e.name, e.value]));
    if (!/broker/.test(env.KAFKA_PROCESS_ROLES ?? '') || !/controller/.test(env.KAFKA_PROCESS_ROLES ?? '')) f.err('StatefulSet/kafka: KAFKA_PROCESS_ROLES must be broker,controller');
    if (podSpec(kafka).enableServiceLinks !== false) f.err('StatefulSet/kafka: set enableServiceLinks: false (injected KAFKA_* variables break the apache/kafka image)');
  }
  checkActiveMqPair(f, m);
  checkCopies(f, m, repoRoot);
  checkWharfEnv(f, m, repoRoot, composeFile, cluster);
}

/** The ActiveMQ pair: two pods, one ReadWriteMany claim that holds the KahaDB of their broker XML. */
function checkActiveMqPair(f: Findings, m: Manifests): void {
  const amq = m.workloads.filter((w) => containers(w).some((c) => /activemq/.test(String(c.image))));
  const pods = amq.reduce((sum, w) => sum + (w.spec?.replicas ?? 1), 0);
  if (pods !== 2) f.err(`the ActiveMQ pair must be 2 pods (StatefulSet replicas: 2 or two Deployments); found ${pods}`);
  const claimSets = amq.map((w) =>
    (podSpec(w).volumes ?? [])
      .flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []))
      .sort()
      .join(','),
  );
  for (const w of amq) {
    if (claimTemplatesOf(w).length)
      f.err(`${key(w)}: volumeClaimTemplates would give each broker its own volume; use one shared claim`);
    if (w.kind === 'StatefulSet' && w.spec?.podManagementPolicy !== 'Parallel') f.err(`${key(w)}: podManagementPolicy must be Parallel (the standby never becomes Ready)`);
  }
  if (new Set(claimSets).size > 1) f.err(`the ActiveMQ brokers mount different PVCs (${claimSets.join(' / ')})`);
  if (!amq.length) return;
  const claims = (podSpec(amq[0]).volumes ?? []).filter((v) => v.persistentVolumeClaim);
  if (claims.length === 0) f.err('the ActiveMQ brokers mount no shared PVC');
  for (const v of claims) {
    const pvc = m.get<IPersistentVolumeClaim>('PersistentVolumeClaim', v.persistentVolumeClaim?.claimName);
    const name = pvc?.metadata?.name;
    if (pvc && !(pvc.spec?.accessModes ?? []).includes('ReadWriteMany'))
      f.err(`PersistentVolumeClaim/${name}: accessModes must include ReadWriteMany (both brokers${name === 'activemq-shared' ? '' : ' and mq'} mount it)`);
  }
  const c = containers(amq[0]).find((x) => /activemq/.test(String(x.image)));
  const pvcMounts = (c?.volumeMounts ?? []).filter((vm) => claims.some((v) => v.name === vm.name)).map((vm) => vm.mountPath);
  const cfgVol = (podSpec(amq[0]).volumes ?? []).find((v) => v.configMap);
  const xml = cfgVol ? Object.entries(m.cmData(cfgVol.configMap?.name) ?? {}).find(([k]) => k.endsWith('.xml'))?.[1] : undefined;
  if (!xml) f.err('the ActiveMQ pods get no broker XML from a ConfigMap');
  else checkBrokerXml(f, xml, 'ActiveMQ ConfigMap broker XML', pvcMounts, 'the KahaDB directory of the ActiveMQ broker XML is not on a PVC both pods mount');
}

function checkCopies(f: Findings, m: Manifests, repoRoot: string): void {
  for (const [cm, files] of Object.entries(COPIES)) {
    const data = m.cmData(cm);
    if (!data) {
      f.err(`ConfigMap/${cm} is missing`);
      continue;
    }
    for (const [k, file] of Object.entries(files)) {
      const p = join(repoRoot, file);
      if (!existsSync(p)) f.err(`${file} is missing`);
      else if (data[k] !== readFileSync(p, 'utf8')) f.err(`ConfigMap/${cm} key ${k} differs from ${file} (copy the file into k8s/ again)`);
    }
  }
}

/**
 * The common env: the same variable names as docker-compose.yml gives the services (the cluster overlay: as
 * its cluster profile gives the replicas).
 */
function checkWharfEnv(f: Findings, m: Manifests, repoRoot: string, composeFile: string, cluster: boolean): void {
  const wenv = m.cmData('wharf-env');
  if (!wenv) return f.err('ConfigMap/wharf-env is missing');
  if (!composeFile || !existsSync(composeFile)) return;
  const [compose] = loadYaml(composeFile) as (ComposeFile | undefined)[];
  const names = new Set<string>();
  const where = cluster ? `the "${CLUSTER}" profile of docker-compose.yml` : 'docker-compose.yml';
  for (const [name, s] of Object.entries(compose?.services ?? {})) {
    const app = cluster ? inProfile(s, CLUSTER) && appOf(s) : !(s.profiles ?? []).length && name in WHARF_APPS;
    if (app && isObj(s.environment)) for (const k of Object.keys(s.environment)) names.add(k);
  }
  for (const k of Object.keys(wenv))
    if (isWharfSetting(k) && !readByWharf(repoRoot, Object.keys(WHARF_APPS), k)) f.err(`ConfigMap/wharf-env: ${k} is read by no Wharf code (apps/*/src, libs/): misspelt or renamed?`);
  for (const app of Object.keys(WHARF_APPS)) {
    const d = m.get<IDeployment>('Deployment', app);
    for (const e of d ? podSpec(d).containers?.[0]?.env ?? [] : [])
      if (isWharfSetting(e.name) && !envNamesRead(repoRoot, app).has(e.name)) f.err(`Deployment/${app}: ${e.name} is read by no code of ${app} (apps/${app}/src, libs/): misspelt or renamed?`);
  }
  for (const k of names) if (!(k in wenv)) f.err(`ConfigMap/wharf-env lacks ${k}, which ${where} gives the services`);
  for (const k of Object.keys(wenv)) if (!names.has(k)) f.err(`ConfigMap/wharf-env has ${k}, which no service gets in ${where}`);
}
