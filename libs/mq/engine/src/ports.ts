import type { ConfigurationId, DeploymentMode, EngineType } from '@aws-sdk/client-mq';
import type { BrokerRecord, ConfigurationRecord } from './model';

/** One broker instance as DescribeBroker shows it, plus its role in an active/standby pair. */
export interface InstanceView {
  endpoints: string[];
  consoleURL?: string;
  ipAddress?: string;
  /** active: serving; standby: running, waiting for the lock; starting / down: neither. */
  role: 'active' | 'standby' | 'starting' | 'down';
  /** The release that really runs (ActiveMQ 5.19.1 for "5.19"; the RabbitMQ node's version). */
  engineVersion?: string;
}

/**
 * The broker side of one engine type (a strategy). The engine owns definitions and states; a backend
 * makes a definition real and reports on it. Every method is idempotent: after a crash of `mq` the engine
 * replays the step that was in progress.
 */
export interface BrokerBackend {
  readonly engineType: EngineType;
  /** Called once at start with every stored definition of this engine type, before anything resumes. */
  restore?(brokers: BrokerRecord[]): Promise<void>;
  /** Gives the backend the way to read configuration revisions (base64 data) its brokers run with. */
  useConfigurations?(lookup: (ref: ConfigurationId) => string | undefined): void;
  /** Learns what the broker side offers (versions, cluster size); called before anything relies on it. */
  ready?(): Promise<void>;
  /** Engine versions this backend offers (AWS's names, e.g. "5.19"); the first is the default. */
  engineVersions(): string[];
  /** The release that really serves an offered version (for /health and the instance view; never hidden). */
  runningVersion?(engineVersion: string): string | undefined;
  /** Deployment modes this backend can honour here (a single RabbitMQ node cannot host CLUSTER_MULTI_AZ). */
  deploymentModes(): DeploymentMode[];
  /** 'immediate': user changes reach the broker at once; 'reboot': they wait for RebootBroker, as on AWS ActiveMQ. */
  readonly userChanges: 'immediate' | 'reboot';
  /** Refuse, before anything is stored, what this backend cannot do (throw an AwsError). */
  checkCreate?(broker: BrokerRecord): Promise<void>;
  /**
   * Brings a new broker up and resolves once it serves clients. Placement (ports, directories) goes through
   * `persist` into `broker.runtime` BEFORE anything is started, so a restarted `mq` finds and frees it; when
   * `mq` restarted mid-way this is called again with the stored runtime.
   */
  provision(broker: BrokerRecord, persist: (runtime: Record<string, unknown>) => Promise<void>): Promise<void>;
  /** After an `mq` restart: adopt what still runs, start what should run. */
  attach(broker: BrokerRecord): Promise<void>;
  /** Restart with the broker's applied definition (users, configuration, instance type); persistent data stays. */
  reboot(broker: BrokerRecord): Promise<void>;
  /** Stop everything and free ports, processes and data. Must succeed when parts are already gone. */
  destroy(broker: BrokerRecord): Promise<void>;
  /** Push the applied users (immediate backends only). */
  syncUsers?(broker: BrokerRecord, previous: BrokerRecord): Promise<void>;
  /** Instances in DescribeBroker order. */
  instances(broker: BrokerRecord): Promise<InstanceView[]>;
  /**
   * Stops the active instance of an active/standby pair so its standby takes over (the console's "fail
   * over"); the stopped one comes back as the standby. Answers its number (1-based).
   */
  failOver?(broker: BrokerRecord): Promise<number>;
  /** Another replica of `mq` supervises now: stop watching and restarting processes (they keep running). */
  standDown?(): Promise<void>;
  /** Stop supervising (processes keep running so a restarted `mq` re-attaches). */
  close?(): Promise<void>;
}

/**
 * Which replica of `mq` acts on brokers. Several replicas answer the API over one store; one at a time (the
 * holder of a lease) runs the broker transitions and supervises processes; the others only read and write
 * definitions, and the supervisor picks up the states they write (superviseBrokers). Absent: always this one.
 */
export interface Supervision {
  /** True while this replica holds the lease; false as soon as it may have lapsed. */
  isSupervisor(): boolean;
}

/** A write of a transition: the store applies it only while this replica still holds the supervisor lease. */
export interface WriteOptions {
  asSupervisor?: boolean;
}

/** Where definitions live (Redis in the app, memory in unit tests). The engine is its only writer. */
export interface MqStore {
  loadBrokers(): Promise<BrokerRecord[]>;
  /** With `asSupervisor`, refused (rejects, nothing written) unless this replica still holds the lease. */
  saveBroker(broker: BrokerRecord, options?: WriteOptions): Promise<void>;
  deleteBroker(brokerId: string, options?: WriteOptions): Promise<void>;
  loadConfigurations(): Promise<ConfigurationRecord[]>;
  saveConfiguration(configuration: ConfigurationRecord): Promise<void>;
  deleteConfiguration(id: string): Promise<void>;
}
