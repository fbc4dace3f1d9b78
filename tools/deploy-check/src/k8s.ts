import type { IContainer, IService } from 'kubernetes-models/v1';
import { type Dict, type Findings, loadYaml } from './findings';
import { checkClusterShape } from './k8s-cluster';
import { checkWharfShape } from './k8s-wharf';
import { type KubeObject, Manifests, type Workload, claimTemplatesOf, containers, key, podSpec } from './manifests';

const podLabels = (w: Workload): Dict<string> => w.spec?.template?.metadata?.labels ?? {};
const matches = (selector: Dict<string> | undefined, labels: Dict<string>) => Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

type ModelClass = new (data: unknown) => { validate(): void };
const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Every object against the Kubernetes OpenAPI schema (kubernetes-models), then the cross-object checks (and,
 * for the cluster overlay, its topology).
 * Returns the objects as TypeScript literals of the package's interfaces, for tsc to reject unknown fields.
 */
export async function checkK8s(f: Findings, renderedFile: string, repoRoot: string, composeFile: string, cluster = false): Promise<string> {
  const objects = loadYaml(renderedFile) as KubeObject[];
  if (objects.length === 0) {
    f.err('kustomize rendered nothing');
    return '';
  }
  const byKey = new Map<string, KubeObject>();
  const tsLines: string[] = [];
  for (const o of objects) {
    const name = o.metadata?.name;
    if (!o.apiVersion || !o.kind || !name) {
      f.err(`an object has no apiVersion/kind/metadata.name: ${JSON.stringify(o).slice(0, 120)}`);
      continue;
    }
    if (byKey.has(key(o))) f.err(`${key(o)} is defined twice`);
    byKey.set(key(o), o);
    if (!DNS1123.test(name) || name.length > 253) f.err(`${key(o)}: name is not a DNS-1123 subdomain`);
    if (o.kind === 'Service' && (name.length > 63 || name.includes('.'))) f.err(`${key(o)}: a Service name must be a DNS-1123 label`);
    // the JSON schema (types, formats, required fields) from kubernetes-models
    const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : [undefined, o.apiVersion];
    const modPath = `kubernetes-models/${group ? `${group}/` : ''}${version}/${o.kind}`;
    let Model: ModelClass;
    try {
      Model = ((await import(modPath)) as Dict<ModelClass>)[o.kind];
    } catch {
      f.err(`${key(o)}: ${o.apiVersion} ${o.kind} is not a known Kubernetes kind (kubernetes-models has no ${modPath})`);
      continue;
    }
    try {
      new Model(o).validate();
    } catch (e) {
      f.err(`${key(o)}: schema: ${String((e as Error).message ?? e).split('\n').join('; ')}`);
    }
    // unknown fields: the same object as a TypeScript literal of the package's interface (excess property check)
    const n = tsLines.length / 2;
    tsLines.push(`import type { I${o.kind} as T${n} } from '${modPath}';`);
    tsLines.push(`// ${key(o)}\nexport const o${n}: T${n} = ${JSON.stringify(o, null, 2)};`);
  }
  const m = new Manifests(byKey);
  checkWorkloads(f, m);
  checkServices(f, m);
  checkWharfShape(f, m, repoRoot, composeFile, cluster);
  if (cluster) checkClusterShape(f, m);
  const kinds = [...new Set([...byKey.values()].map((o) => o.kind ?? ''))];
  f.note(`${objects.length} objects: ${kinds.map((k) => `${m.of(k).length} ${k}`).join(', ')}`);
  return tsLines.length ? `${tsLines.join('\n')}\n` : '';
}

/** Selectors match their pods; volumes, mounts, ConfigMaps and PVCs resolve; probes name real ports. */
function checkWorkloads(f: Findings, m: Manifests): void {
  for (const w of m.workloads) {
    const id = key(w);
    const sel = w.spec?.selector?.matchLabels;
    if (!sel || Object.keys(sel).length === 0) f.err(`${id}: spec.selector.matchLabels is empty`);
    else if (!matches(sel, podLabels(w))) f.err(`${id}: selector ${JSON.stringify(sel)} does not match the pod template labels`);
    const volNames = new Set([...(podSpec(w).volumes ?? []).map((v) => v.name), ...claimTemplatesOf(w).map((t) => t.metadata?.name)]);
    for (const v of podSpec(w).volumes ?? []) {
      for (const src of [v.configMap, v.secret])
        if (src?.defaultMode !== undefined && !(Number.isInteger(src.defaultMode) && src.defaultMode >= 0 && src.defaultMode <= 0o777))
          f.err(`${id}: volume ${v.name} defaultMode ${src.defaultMode} is not a file mode (0..0777; write 0755 as 493)`);
      if (v.configMap && !m.cmData(v.configMap.name) && !v.configMap.optional) f.err(`${id}: volume ${v.name} uses ConfigMap ${v.configMap.name}, which is not defined`);
      if (v.persistentVolumeClaim && !m.byKey.has(`PersistentVolumeClaim/${v.persistentVolumeClaim.claimName}`))
        f.err(`${id}: volume ${v.name} uses PVC ${v.persistentVolumeClaim.claimName}, which is not defined`);
    }
    for (const c of containers(w)) checkContainer(f, m, w, c, volNames);
    if (w.kind === 'StatefulSet') {
      const svc = m.get<IService>('Service', w.spec?.serviceName);
      if (!svc) f.err(`${id}: serviceName ${w.spec?.serviceName} is not a Service here`);
      else if (svc.spec?.clusterIP !== 'None') f.err(`${id}: its serviceName ${svc.metadata?.name} must be headless (clusterIP: None)`);
    }
  }
}

function checkContainer(f: Findings, m: Manifests, w: Workload, c: IContainer, volNames: Set<string | undefined>): void {
  const cid = `${key(w)} container ${c.name}`;
  const portNames = (c.ports ?? []).map((p) => p.name).filter((p): p is string => !!p);
  if (new Set(portNames).size !== portNames.length) f.err(`${cid}: port names repeat`);
  for (const p of portNames) if (p.length > 15 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(p) || !/[a-z]/.test(p)) f.err(`${cid}: port name "${p}" is not an IANA_SVC_NAME`);
  for (const mount of c.volumeMounts ?? []) {
    if (!volNames.has(mount.name)) f.err(`${cid}: volumeMount ${mount.name} has no volume`);
    const vol = (podSpec(w).volumes ?? []).find((v) => v.name === mount.name);
    const data = m.cmData(vol?.configMap?.name);
    if (vol?.configMap && mount.subPath && data && !(mount.subPath in data)) f.err(`${cid}: subPath ${mount.subPath} is not a key of ConfigMap ${vol.configMap.name}`);
  }
  for (const e of c.envFrom ?? [])
    if (e.configMapRef && !m.cmData(e.configMapRef.name) && !e.configMapRef.optional) f.err(`${cid}: envFrom ConfigMap ${e.configMapRef.name} is not defined`);
  for (const probeName of ['readinessProbe', 'livenessProbe', 'startupProbe'] as const) {
    const probe = c[probeName];
    if (!probe) continue;
    const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
    if (typeof port === 'string' && !portNames.includes(port)) f.err(`${cid}: ${probeName} uses port "${port}", which the container does not name`);
  }
  if ((podSpec(w).containers ?? []).includes(c)) {
    if (!c.readinessProbe) f.err(`${cid}: no readinessProbe`);
    if (!c.livenessProbe) f.err(`${cid}: no livenessProbe`);
    for (const kind of ['requests', 'limits'] as const) for (const r of ['cpu', 'memory']) if (c.resources?.[kind]?.[r] === undefined) f.err(`${cid}: no resources.${kind}.${r}`);
  }
}

/** Every Service selects some pods, and a named targetPort is a port those pods name. */
function checkServices(f: Findings, m: Manifests): void {
  for (const s of m.of<IService>('Service')) {
    const sel = s.spec?.selector;
    if (!sel) continue;
    const targets = m.workloads.filter((w) => matches(sel, podLabels(w)));
    if (targets.length === 0) {
      f.err(`${key(s)}: selector ${JSON.stringify(sel)} matches no pod template`);
      continue;
    }
    for (const p of s.spec?.ports ?? [])
      if (typeof p.targetPort === 'string' && !targets.some((w) => containers(w).some((c) => (c.ports ?? []).some((cp) => cp.name === p.targetPort))))
        f.err(`${key(s)}: targetPort "${p.targetPort}" is not a named port of the pods it selects`);
  }
}
