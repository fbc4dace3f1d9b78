import type { DeploymentMode, EngineType } from '@aws-sdk/client-mq';
import type { BrokerBackend, InstanceView } from '../ports';
import { appliedUsers, type BrokerRecord } from '../model';

/** A backend that records calls and can be made to wait or fail: for engine unit tests. */
export class FakeBackend implements BrokerBackend {
  readonly calls: string[] = [];
  /** Users the "broker" enforces, per broker id. */
  readonly enforced = new Map<string, string[]>();
  failProvision?: Error;
  failDestroy?: Error;
  gate?: Promise<void>;
  roles: InstanceView['role'][] = ['active'];

  constructor(
    readonly engineType: EngineType,
    readonly userChanges: 'immediate' | 'reboot' = engineType === 'RABBITMQ' ? 'immediate' : 'reboot',
    private readonly modes: DeploymentMode[] = engineType === 'RABBITMQ' ? ['SINGLE_INSTANCE'] : ['SINGLE_INSTANCE', 'ACTIVE_STANDBY_MULTI_AZ'],
  ) {}

  /** Offered versions, the first the default (set AWS's own to test their rules). */
  versions?: string[];

  engineVersions(): string[] {
    return this.versions ?? (this.engineType === 'RABBITMQ' ? ['3.10.8'] : ['6.1.8']);
  }
  deploymentModes(): DeploymentMode[] {
    return this.modes;
  }
  private note(b: BrokerRecord): void {
    this.enforced.set(b.brokerId, appliedUsers(b).map((u) => `${u.username}:${u.password}`));
  }
  async provision(b: BrokerRecord, persist: (r: Record<string, unknown>) => Promise<void>): Promise<void> {
    this.calls.push(`provision ${b.brokerId}`);
    await persist({ port: 1234 });
    if (this.gate) await this.gate;
    if (this.failProvision) throw this.failProvision;
    this.note(b);
  }
  async attach(b: BrokerRecord): Promise<void> {
    this.calls.push(`attach ${b.brokerId}`);
  }
  async reboot(b: BrokerRecord): Promise<void> {
    this.calls.push(`reboot ${b.brokerId}`);
    if (this.gate) await this.gate;
    this.note(b);
  }
  async destroy(b: BrokerRecord): Promise<void> {
    this.calls.push(`destroy ${b.brokerId}`);
    if (this.failDestroy) throw this.failDestroy;
    this.enforced.delete(b.brokerId);
  }
  async syncUsers(b: BrokerRecord): Promise<void> {
    this.calls.push(`sync ${b.brokerId}`);
    this.note(b);
  }
  async instances(b: BrokerRecord): Promise<InstanceView[]> {
    return this.roles.map((role, i) => ({ role, endpoints: [`tcp://127.0.0.1:${1000 + i}`], ipAddress: '127.0.0.1', consoleURL: b.brokerId }));
  }
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
