import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { type Dict, loadYaml } from './findings';
import { strategicMerge } from './strategic-merge';

interface Kustomization {
  resources?: string[];
  labels?: { pairs: Dict<string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
  /** Strategic merge patches from files; each names its target by its own kind and metadata.name. */
  patches?: { path?: string }[];
}

interface Meta {
  name?: string;
  labels?: Dict<string>;
}

/** A rendered object, as far as the renderer touches it. */
interface KObject {
  kind?: string;
  metadata?: Meta;
  spec?: {
    selector?: Dict<string> & { matchLabels?: Dict<string> };
    template?: { metadata?: Meta };
    jobTemplate?: { spec?: { template?: { metadata?: Meta } } };
  };
}

// kustomize's output order (its legacy sort): by kind in this order, then by name.
const KUSTOMIZE_ORDER = ['Namespace', 'ResourceQuota', 'StorageClass', 'CustomResourceDefinition', 'ServiceAccount', 'PodSecurityPolicy', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'Secret', 'Endpoints', 'Service', 'LimitRange', 'PriorityClass', 'PersistentVolume', 'PersistentVolumeClaim', 'Deployment', 'StatefulSet', 'CronJob', 'PodDisruptionBudget', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

/**
 * The fallback for where neither kubectl nor kustomize is installed. Supports what k8s/kustomization.yaml uses:
 * resources (files or folders with a kustomization.yaml), labels (pairs; includeSelectors / includeTemplates)
 * and patches by path (strategic merge, targets named by the patch's kind and name; strategic-merge.ts).
 * Anything else is refused rather than silently ignored.
 */
export function renderKustomization(dir: string): KObject[] {
  const kfile = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((f) => join(dir, f)).find(existsSync);
  if (!kfile) throw new Error(`${dir}: no kustomization.yaml`);
  const k = parseYaml(readFileSync(kfile, 'utf8')) as Kustomization;
  for (const key of Object.keys(k))
    if (!['apiVersion', 'kind', 'resources', 'labels', 'patches'].includes(key))
      throw new Error(`${kfile}: field "${key}" is not supported by the fallback renderer (install kubectl or kustomize)`);
  const objects: KObject[] = [];
  for (const r of k.resources ?? []) {
    const p = resolve(dir, r);
    if (!existsSync(p)) throw new Error(`${kfile}: resource ${r} does not exist`);
    objects.push(...(statSync(p).isDirectory() ? renderKustomization(p) : (loadYaml(p) as KObject[])));
  }
  for (const p of k.patches ?? []) {
    const file = p.path && resolve(dir, p.path);
    if (!file || Object.keys(p).some((f) => f !== 'path')) throw new Error(`${kfile}: the fallback renderer takes patches by path only`);
    if (!existsSync(file)) throw new Error(`${kfile}: patch ${p.path} does not exist`);
    for (const patch of loadYaml(file) as KObject[]) {
      const i = objects.findIndex((o) => o.kind === patch.kind && o.metadata?.name === patch.metadata?.name);
      if (i < 0) throw new Error(`${kfile}: patch ${p.path} targets ${patch.kind}/${patch.metadata?.name}, which no resource defines`);
      objects[i] = strategicMerge(objects[i], patch) as KObject;
    }
  }
  for (const l of k.labels ?? []) for (const o of objects) applyLabels(o, l);
  const rank = (o: KObject) => {
    const i = KUSTOMIZE_ORDER.indexOf(o.kind ?? '');
    return i < 0 ? KUSTOMIZE_ORDER.length : i;
  };
  return objects
    .map((o, i) => ({ o, i }))
    .sort((x, y) => rank(x.o) - rank(y.o) || String(x.o.metadata?.name).localeCompare(String(y.o.metadata?.name)) || x.i - y.i)
    .map((x) => x.o);
}

function applyLabels(o: KObject, l: NonNullable<Kustomization['labels']>[number]): void {
  o.metadata = o.metadata ?? {};
  o.metadata.labels = { ...(o.metadata.labels ?? {}), ...l.pairs };
  const tmpl = o.spec?.template ?? o.spec?.jobTemplate?.spec?.template;
  if ((l.includeSelectors || l.includeTemplates) && tmpl) tmpl.metadata = { ...(tmpl.metadata ?? {}), labels: { ...(tmpl.metadata?.labels ?? {}), ...l.pairs } };
  if (l.includeSelectors) {
    if (o.spec?.selector?.matchLabels) Object.assign(o.spec.selector.matchLabels, l.pairs);
    else if (o.kind === 'Service' && o.spec) o.spec.selector = { ...(o.spec.selector ?? {}), ...l.pairs };
  }
}

/** The rendered objects as one multi-document YAML text, as `kubectl kustomize` prints them. */
export const renderKustomizationYaml = (dir: string): string => renderKustomization(dir).map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
