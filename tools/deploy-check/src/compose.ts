import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { checkBrokerXml } from './broker-xml';
import { checkClusterProfile } from './compose-cluster';
import { checkBrokerServices, checkWharfServices } from './compose-services';
import { BROKERS, type ComposeFile, type ComposeService, WHARF_APPS, appOf, commandOf, envOf, inProfile, mounts } from './compose-model';
import { envNamesRead, isWharfSetting, readByWharf } from './env-names';
import { type Dict, type Findings, isObj, loadYaml } from './findings';

/**
 * docker-compose.yml beyond its schema: healthchecks and the depends_on that wait for them, volumes and bind
 * mounts that exist, the ActiveMQ pair on one volume, then the brokers' and Wharf's own services.
 */
export function checkCompose(f: Findings, file: string, projectDir: string): void {
  // Checked as a user without any WHARF_* variable set gets it: `${VAR:-default}` read as its default.
  const [doc] = loadYaml(file).map(withDefaults) as (ComposeFile | undefined)[];
  if (!isObj(doc?.services)) return f.err('no services');
  const services = doc.services;
  const names = Object.keys(services);
  for (const n of [...BROKERS, ...Object.keys(WHARF_APPS)]) if (!services[n]) f.err(`service "${n}" is missing`);
  checkHealth(f, services);
  checkMounts(f, services, isObj(doc.volumes) ? doc.volumes : {}, projectDir);
  checkActiveMqPair(f, services, projectDir);
  checkMqStatic(f, services, names, projectDir);
  checkBrokerServices(f, services, projectDir);
  checkWharfServices(f, services, names, projectDir);
  checkClusterProfile(f, services, projectDir);
  for (const [name, s] of Object.entries(services)) {
    const app = appOf(s);
    if (!app || !(app in WHARF_APPS)) continue;
    const read = envNamesRead(projectDir, app);
    for (const k of Object.keys(envOf(s))) if (isWharfSetting(k) && !read.has(k)) f.err(`service "${name}": ${k} is read by no code of ${app} (apps/${app}/src, libs/): misspelt or renamed?`);
  }
  checkOneProcess(f, services, projectDir);
}

/** Services built from the Dockerfile's stage "one" (every app in one process): in the profile "one", given only what some app reads. */
function checkOneProcess(f: Findings, services: Dict<ComposeService>, projectDir: string): void {
  for (const [name, s] of Object.entries(services)) {
    if (!isObj(s.build) || s.build.target !== 'one') continue;
    // by default the five app containers run, handing out the same ActiveMQ pair: this one only when asked for
    if (!inProfile(s, 'one')) f.err(`service "${name}" runs every app in one process: it belongs in the profile "one"`);
    for (const k of Object.keys(envOf(s)))
      if (isWharfSetting(k) && !readByWharf(projectDir, Object.keys(WHARF_APPS), k)) f.err(`service "${name}": ${k} is read by no Wharf code (apps/*/src, libs/): misspelt or renamed?`);
  }
}

/** Every long-running service has a healthcheck, and whoever depends on it waits for service_healthy. */
function checkHealth(f: Findings, services: Dict<ComposeService>): void {
  // one-shot init services (waited for with service_completed_successfully) need no healthcheck
  const oneShot = new Set<string>();
  for (const s of Object.values(services))
    if (isObj(s.depends_on))
      for (const [dep, cond] of Object.entries(s.depends_on)) if (cond?.condition === 'service_completed_successfully') oneShot.add(dep);
  for (const name of oneShot) {
    const s = services[name];
    if (!s) continue;
    if (String(s.restart ?? 'no') !== 'no') f.err(`service "${name}" is waited for to complete, so it must be one-shot (restart: "no")`);
    if ((s.ports ?? []).length) f.err(`one-shot service "${name}" publishes ports`);
  }
  const healthy = new Set<string>();
  for (const [name, s] of Object.entries(services)) {
    if (oneShot.has(name)) continue;
    const hc = s.healthcheck;
    const test = hc?.test;
    const empty = test === undefined || (Array.isArray(test) ? test.length === 0 || test[0] === 'NONE' : String(test).trim() === '');
    if (!isObj(hc) || hc.disable === true || empty) f.err(`service "${name}" has no healthcheck`);
    else healthy.add(name);
  }
  for (const [name, s] of Object.entries(services)) {
    if (s.depends_on === undefined) continue;
    if (Array.isArray(s.depends_on)) {
      f.err(`service "${name}": depends_on is a list; use the map form with condition: service_healthy`);
      continue;
    }
    for (const [dep, cond] of Object.entries(s.depends_on)) {
      if (!services[dep]) f.err(`service "${name}" depends on unknown service "${dep}"`);
      if (cond?.condition === 'service_completed_successfully' && oneShot.has(dep)) continue;
      if (cond?.condition !== 'service_healthy')
        f.err(`service "${name}": depends_on ${dep} must use condition: service_healthy (has ${cond?.condition ?? 'none'})`);
      else if (services[dep] && !healthy.has(dep)) f.err(`service "${name}" waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
    }
  }
}

function checkMounts(f: Findings, services: Dict<ComposeService>, volumes: Dict<unknown>, projectDir: string): void {
  for (const [name, s] of Object.entries(services)) {
    for (const m of mounts(s)) {
      if (m.type === 'bind') {
        const source = m.source ?? '';
        const p = isAbsolute(source) ? source : resolve(projectDir, source);
        if (!existsSync(p)) f.err(`service "${name}": bind mount source ${m.source} does not exist`);
      } else if (m.type === 'volume' && m.source && !(m.source in volumes))
        f.err(`service "${name}": volume "${m.source}" is not declared under top-level volumes`);
    }
  }
}

/** The ActiveMQ pair on ONE named volume, both loading the same broker XML, which keeps KahaDB there. */
function checkActiveMqPair(f: Findings, services: Dict<ComposeService>, projectDir: string): void {
  const a = services['activemq-a'];
  const b = services['activemq-b'];
  if (!a || !b) return;
  const named = (s: ComposeService) => mounts(s).filter((m) => m.type === 'volume' && m.source);
  const shared = named(a).filter((ma) => named(b).some((mb) => mb.source === ma.source && mb.target === ma.target));
  for (const extra of [...named(a), ...named(b)])
    if (!shared.some((m) => m.source === extra.source)) f.err(`ActiveMQ pair: volume "${extra.source}" is not shared by both brokers at the same path`);
  const xmlOf = (s: ComposeService) => mounts(s).find((m) => m.type === 'bind' && /\.xml$/.test(m.source ?? ''));
  const xa = xmlOf(a);
  const xb = xmlOf(b);
  if (!xa?.source || !xb?.source) return f.err('activemq-a and activemq-b must each mount a broker XML from deploy/activemq/');
  if (resolve(projectDir, xa.source) !== resolve(projectDir, xb.source)) f.err('activemq-a and activemq-b load different broker XML files');
  if (!commandOf(a).includes(`xbean:file:${xa.target}`))
    f.err(`activemq-a does not start with its mounted config (command should name xbean:file:${xa.target})`);
  const p = resolve(projectDir, xa.source);
  if (existsSync(p))
    checkBrokerXml(f, readFileSync(p, 'utf8'), xa.source, shared.map((m) => m.target), 'activemq-a and activemq-b must share the named volume that holds the KahaDB');
}

interface StaticSlots {
  slots?: { instances?: (Dict<unknown> & { host?: string })[] }[];
}

/** mq's static ActiveMQ slots (WHARF_MQ_ACTIVEMQ_STATIC=@file): a mounted file naming compose services. */
function checkMqStatic(f: Findings, services: Dict<ComposeService>, names: string[], projectDir: string): void {
  const mqEnv = envOf(services.mq);
  if (mqEnv.WHARF_MQ_ACTIVEMQ_STRATEGY !== 'static' || !services.mq) return;
  const ref = String(mqEnv.WHARF_MQ_ACTIVEMQ_STATIC ?? '');
  const m = ref.startsWith('@') ? mounts(services.mq).find((x) => x.target === ref.slice(1) && x.type === 'bind') : undefined;
  if (!m?.source) return f.err('mq: WHARF_MQ_ACTIVEMQ_STATIC must be @<path of a file mounted into mq>');
  if (!existsSync(resolve(projectDir, m.source))) return;
  try {
    const slots = (JSON.parse(readFileSync(resolve(projectDir, m.source), 'utf8')) as StaticSlots).slots ?? [];
    if (!slots.length) f.err(`mq: ${m.source} lists no slots`);
    for (const slot of slots)
      for (const inst of slot.instances ?? []) {
        if (!names.includes(String(inst.host))) f.err(`mq: ${m.source} names host "${inst.host}", which is not a compose service`);
        for (const pn of ['openwire', 'amqp', 'stomp', 'mqtt', 'ws']) if (!Number.isInteger(inst[pn])) f.err(`mq: ${m.source}: ${inst.host} has no ${pn} port`);
      }
  } catch (e) {
    f.err(`mq: ${m.source} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** `${VAR:-default}` and `${VAR-default}` in every string replaced by the default (what an unset VAR gives). */
export function withDefaults(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$\{\w+:?-([^}]*)\}/g, '$1');
  if (Array.isArray(value)) return value.map(withDefaults);
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withDefaults(v)]));
  return value;
}
