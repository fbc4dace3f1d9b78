import type { DeploymentMode } from '@aws-sdk/client-mq';
import {
  appliedUsers,
  conflict,
  internalError,
  type BrokerBackend,
  type BrokerRecord,
  type InstanceView,
  type UserProps,
} from '@wharf/mq-engine';
import { ManagementClient, enc, type Listener, type Overview } from './management-client';
import { RabbitMqTlsProxy, type RabbitMqTlsOptions } from './tls-proxy';

export interface RabbitMqBackendOptions {
  /** http://user:pass@host:15672 (WHARF_RABBITMQ_MANAGEMENT_URL), or a cluster's nodes separated by commas. */
  managementUrl: string;
  /** Host clients use in endpoints; defaults to the management URL's host. */
  publicHost?: string;
  /** The node's management statistics interval (collect_statistics_interval, 5000 ms by default). */
  statsIntervalMs?: number;
  /**
   * Endpoints as Amazon MQ lists them (amqps://, and TLS for the other protocols and the console), served by
   * TLS listeners in this process in front of the node's cleartext ones (tls-proxy.ts). Unset: cleartext.
   */
  tls?: RabbitMqTlsOptions;
}

/** The versions Amazon MQ offers for RabbitMQ today (3.12 and older are past end of support). */
export const RABBITMQ_VERSIONS = ['4.2', '3.13'] as const;

/** Marks a RabbitMQ user as belonging to one Wharf broker (users are node-wide, brokers are vhosts). */
const ownerTag = (brokerId: string): string => `wharf-${brokerId}`;
const USER_TAGS = ['management', 'policymaker'];

/** Endpoint URI per listener protocol, in the order DescribeBroker lists them. */
const SCHEMES: Array<[protocol: string, scheme: string, path: (vhost: string) => string]> = [
  ['amqp/ssl', 'amqps', (v) => `/${enc(v)}`],
  ['amqp', 'amqp', (v) => `/${enc(v)}`],
  ['mqtt/ssl', 'mqtt+ssl', () => ''],
  ['mqtt', 'mqtt', () => ''],
  ['stomp/ssl', 'stomp+ssl', () => ''],
  ['stomp', 'stomp', () => ''],
  ['https/web-stomp', 'wss', () => '/ws'],
  ['http/web-stomp', 'ws', () => '/ws'],
  ['https/web-mqtt', 'wss', () => '/ws'],
  ['http/web-mqtt', 'ws', () => '/ws'],
];

/**
 * RABBITMQ brokers: one virtual host per broker on a shared RabbitMQ node, its users limited to that vhost.
 * Clients pick the vhost the way each protocol does: the AMQP URI path (in the endpoint), the STOMP
 * `host` header, the MQTT username `<vhost>:<username>`.
 */
export class RabbitMqBackend implements BrokerBackend {
  readonly engineType = 'RABBITMQ' as const;
  readonly userChanges = 'immediate' as const;
  readonly client: ManagementClient;
  private readonly publicHost: string;
  private overview?: Overview;
  private nodes = 1;
  private readonly statsIntervalMs: number;
  private readonly tlsProxy?: RabbitMqTlsProxy;

  constructor(options: RabbitMqBackendOptions) {
    this.client = new ManagementClient(options.managementUrl);
    this.tlsProxy = options.tls ? new RabbitMqTlsProxy(options.tls) : undefined;
    this.publicHost = options.publicHost ?? new URL(this.client.baseUrl).hostname;
    this.statsIntervalMs = options.statsIntervalMs ?? 5_000;
  }

  async ready(): Promise<void> {
    if (this.overview) return;
    try {
      const overview = await this.client.get<Overview>('/overview');
      this.nodes = ((await this.client.get<unknown[]>('/nodes')) ?? []).length || 1;
      await this.tlsProxy?.start(new URL(this.client.baseUrl).hostname, overview?.listeners ?? []);
      this.overview = overview;
    } catch (err) {
      throw internalError(`The RabbitMQ backend is not reachable: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Amazon MQ's RabbitMQ versions, recommended first, all served by the node behind the management URL. */
  engineVersions(): string[] {
    return this.overview ? [...RABBITMQ_VERSIONS] : [];
  }

  /** The node's own version: what really serves every offered version (stated in /health, never hidden). */
  runningVersion(): string | undefined {
    return this.overview?.rabbitmq_version;
  }

  deploymentModes(): DeploymentMode[] {
    // A CLUSTER_MULTI_AZ broker is a vhost on a cluster of at least three nodes; one node cannot pretend.
    return this.nodes >= 3 ? ['SINGLE_INSTANCE', 'CLUSTER_MULTI_AZ'] : ['SINGLE_INSTANCE'];
  }

  vhost(b: BrokerRecord): string {
    return (b.runtime?.vhost as string | undefined) ?? b.brokerId;
  }

  /** RabbitMQ users are node-wide: a name another broker (or the node itself) uses cannot be taken. */
  private async checkUsernameFree(brokerId: string, username: string): Promise<void> {
    const existing = await this.client.find<{ tags: string | string[] }>(`/users/${enc(username)}`);
    if (!existing) return;
    const tags = Array.isArray(existing.tags) ? existing.tags : String(existing.tags).split(',');
    if (!tags.includes(ownerTag(brokerId))) {
      throw conflict('username', `User ${username} already exists on the RabbitMQ node behind this Wharf (RabbitMQ users are node-wide); choose another username.`);
    }
  }

  async checkCreate(b: BrokerRecord): Promise<void> {
    await this.ready();
    for (const u of appliedUsers(b)) await this.checkUsernameFree(b.brokerId, u.username);
  }

  private async putUser(b: BrokerRecord, username: string, props: UserProps): Promise<void> {
    await this.client.put(`/users/${enc(username)}`, { password: props.password, tags: [...USER_TAGS, ownerTag(b.brokerId)].join(',') });
    await this.client.put(`/permissions/${enc(this.vhost(b))}/${enc(username)}`, { configure: '.*', write: '.*', read: '.*' });
  }

  /** vhost + users + permissions as the definition says (idempotent). */
  private async apply(b: BrokerRecord): Promise<void> {
    await this.client.put(`/vhosts/${enc(this.vhost(b))}`, { description: `Amazon MQ broker ${b.brokerName} (${b.brokerId})`, tags: 'wharf' });
    for (const u of appliedUsers(b)) await this.putUser(b, u.username, u);
  }

  async provision(b: BrokerRecord, persist: (runtime: Record<string, unknown>) => Promise<void>): Promise<void> {
    await this.ready();
    if (!b.runtime) await persist({ vhost: b.brokerId });
    await this.apply(b);
  }

  async attach(b: BrokerRecord): Promise<void> {
    await this.ready().catch(() => undefined);
    if (this.overview) await this.apply(b);
  }

  async syncUsers(b: BrokerRecord, previous: BrokerRecord): Promise<void> {
    const before = new Map(appliedUsers(previous).map((u) => [u.username, u]));
    const after = appliedUsers(b);
    for (const u of after) {
      const old = before.get(u.username);
      if (!old) await this.checkUsernameFree(b.brokerId, u.username);
      if (!old || old.password !== u.password) await this.putUser(b, u.username, u);
    }
    const keep = new Set(after.map((u) => u.username));
    for (const name of before.keys()) if (!keep.has(name)) await this.client.delete(`/users/${enc(name)}`);
  }

  /**
   * A reboot of a vhost broker: no client may connect while it runs (vhost connection limit 0), every
   * client connection is closed (clients reconnect as after a node restart), non-durable queues go, the
   * definition is applied again; durable queues keep their persistent messages. The management API lists
   * connections only after its statistics interval (5 s by default), so closing goes on until the vhost
   * has been quiet that long.
   */
  async reboot(b: BrokerRecord): Promise<void> {
    await this.ready();
    const vhost = enc(this.vhost(b));
    await this.apply(b);
    await this.client.put(`/vhost-limits/${vhost}/max-connections`, { value: 0 });
    try {
      const deadline = Date.now() + 30_000;
      let quietSince = Date.now();
      while (Date.now() - quietSince < this.statsIntervalMs + 1_000 && Date.now() < deadline) {
        const connections = (await this.client.get<Array<{ name: string }>>(`/vhosts/${vhost}/connections`)) ?? [];
        for (const c of connections) await this.client.delete(`/connections/${enc(c.name)}`, { 'x-reason': 'broker reboot' });
        if (connections.length) quietSince = Date.now();
        await new Promise((r) => setTimeout(r, 250));
      }
      const queues = (await this.client.get<Array<{ name: string; durable: boolean }>>(`/queues/${vhost}`)) ?? [];
      for (const q of queues) if (!q.durable) await this.client.delete(`/queues/${vhost}/${enc(q.name)}`);
    } finally {
      await this.client.delete(`/vhost-limits/${vhost}/max-connections`);
    }
  }

  async destroy(b: BrokerRecord): Promise<void> {
    await this.ready();
    await this.client.delete(`/vhosts/${enc(this.vhost(b))}`);
    const users = (await this.client.get<Array<{ name: string; tags: string | string[] }>>('/users')) ?? [];
    for (const u of users) {
      const tags = Array.isArray(u.tags) ? u.tags : String(u.tags).split(',');
      if (tags.includes(ownerTag(b.brokerId))) await this.client.delete(`/users/${enc(u.name)}`);
    }
  }

  async close(): Promise<void> {
    await this.tlsProxy?.close();
  }

  async instances(b: BrokerRecord): Promise<InstanceView[]> {
    const listeners: Listener[] = this.tlsProxy?.listeners ?? this.overview?.listeners ?? [];
    const vhost = this.vhost(b);
    const endpoints: string[] = [];
    for (const [protocol, scheme, path] of SCHEMES) {
      for (const l of listeners.filter((x) => x.protocol === protocol)) {
        const uri = `${scheme}://${this.publicHost}:${l.port}${path(vhost)}`;
        if (!endpoints.includes(uri)) endpoints.push(uri);
      }
    }
    const http = listeners.find((l) => l.protocol === 'http' || l.protocol === 'https');
    return [{
      endpoints,
      consoleURL: http ? `${http.protocol}://${this.publicHost}:${http.port}` : this.client.baseUrl,
      ipAddress: this.publicHost,
      role: 'active',
      engineVersion: this.runningVersion(),
    }];
  }
}
