import type { IDeployment, IStatefulSet } from 'kubernetes-models/apps/v1';
import type { IConfigMap, IContainer, IPersistentVolumeClaim, IPodSpec } from 'kubernetes-models/v1';
import type { Dict } from './findings';

/** Any rendered object, before its kind is known to be one we read. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
}

export type Workload = IDeployment | IStatefulSet;

/** The rendered objects by `Kind/name`, with typed look-ups for the kinds the checks read. */
export class Manifests {
  constructor(readonly byKey: ReadonlyMap<string, KubeObject>) {}

  get<T>(kind: string, name: string | undefined): T | undefined {
    return this.byKey.get(`${kind}/${name}`) as T | undefined;
  }

  of<T>(kind: string): T[] {
    return [...this.byKey.values()].filter((o) => o.kind === kind) as T[];
  }

  get workloads(): Workload[] {
    return [...this.of<IDeployment>('Deployment'), ...this.of<IStatefulSet>('StatefulSet')];
  }

  cmData(name: string | undefined): Dict<string> | undefined {
    return this.get<IConfigMap>('ConfigMap', name)?.data;
  }
}

export const key = (o: KubeObject): string => `${o.kind}/${o.metadata?.name}`;
export const podSpec = (w: Workload): IPodSpec => w.spec?.template?.spec ?? ({} as IPodSpec);
export const containers = (w: Workload): IContainer[] => [...(podSpec(w).initContainers ?? []), ...(podSpec(w).containers ?? [])];


/** Read off any workload, as a misplaced field in a Deployment counts too (and fails the type check). */
export const claimTemplatesOf = (w: Workload): IPersistentVolumeClaim[] => (w.spec as { volumeClaimTemplates?: IPersistentVolumeClaim[] } | undefined)?.volumeClaimTemplates ?? [];
