// Kubernetes' strategic merge patch, as far as the built-in kustomize renderer needs it: maps merge key by
// key (null deletes), lists of objects with a merge key merge item by item (items the patch adds come first,
// as kustomize orders them), other lists are replaced, and `$patch: replace` replaces a list or a map whole.
// Anything this gets wrong shows in deploy-check's test that compares its output with `kubectl kustomize`.
import { isObj, type Dict } from './findings';

// The merge key of each list field that has one (Kubernetes' patchMergeKey) and that Wharf's manifests use.
const MERGE_KEYS: Dict<string> = {
  containers: 'name',
  initContainers: 'name',
  volumes: 'name',
  env: 'name',
  imagePullSecrets: 'name',
  volumeMounts: 'mountPath',
};

/** Container ports merge by containerPort, Service ports by port. */
function mergeKeyOf(field: string, items: unknown[]): string | undefined {
  if (field === 'ports') return items.some((i) => isObj(i) && 'containerPort' in i) ? 'containerPort' : 'port';
  return MERGE_KEYS[field];
}

const isReplace = (v: unknown) => isObj(v) && v.$patch === 'replace';

/** `patch` applied to `target` (neither is changed; the result shares no objects with the patch). */
export function strategicMerge(target: unknown, patch: unknown, field = ''): unknown {
  if (Array.isArray(patch)) return mergeList(Array.isArray(target) ? target : [], patch, field);
  if (!isObj(patch)) return structuredClone(patch);
  if (patch.$patch === 'delete') return undefined;
  const base: Dict = isObj(target) && !isReplace(patch) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch') continue;
    if (v === null) delete base[k];
    else base[k] = strategicMerge(base[k], v, k);
  }
  return base;
}

function mergeList(target: unknown[], patch: unknown[], field: string): unknown[] {
  if (patch.some(isReplace)) return structuredClone(patch.filter((i) => !isReplace(i)));
  const key = mergeKeyOf(field, patch);
  if (!key || !patch.every((i) => isObj(i) && key in i)) return structuredClone(patch);
  const keyOf = (i: unknown) => (isObj(i) ? JSON.stringify(i[key]) : undefined);
  const patches = new Map(patch.map((p) => [keyOf(p), p]));
  const merged = target.map((t) => (patches.has(keyOf(t)) ? strategicMerge(t, patches.get(keyOf(t)), field) : t));
  const added = patch.filter((p) => !target.some((t) => keyOf(t) === keyOf(p))).map((p) => strategicMerge(undefined, p, field));
  return [...added, ...merged].filter((i) => i !== undefined);
}
