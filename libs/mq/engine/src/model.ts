import type {
  ActionRequired,
  AuthenticationStrategy,
  BrokerState,
  BrokerStorageType,
  ChangeType,
  ConfigurationId,
  DataReplicationMode,
  DeploymentMode,
  EncryptionOptions,
  EngineType,
  LdapServerMetadataOutput,
  Logs,
  UserSummary,
  WeeklyStartTime,
} from '@aws-sdk/client-mq';

/** What a user is on the broker (the applied state) or will be (a pending change). */
export interface UserProps {
  password: string;
  consoleAccess: boolean;
  groups: string[];
  replicationUser: boolean;
}

export interface UserRecord {
  username: string;
  /** What the running broker enforces; absent while the user is only pending creation. */
  current?: UserProps;
  /** A change that takes effect at the next reboot (ActiveMQ); RabbitMQ applies at once and never has one. */
  pending?: { change: ChangeType; props?: UserProps };
}

/** Fields UpdateBroker stores for the next reboot. */
export interface PendingBrokerChanges {
  engineVersion?: string;
  hostInstanceType?: string;
  authenticationStrategy?: AuthenticationStrategy;
  securityGroups?: string[];
  configuration?: ConfigurationId;
  logs?: Logs;
  ldapServerMetadata?: LdapServerMetadataOutput;
  dataReplicationMode?: DataReplicationMode;
}

/** A broker definition: everything DescribeBroker answers plus what the backend needs to run it. */
export interface BrokerRecord {
  brokerId: string;
  brokerArn: string;
  brokerName: string;
  engineType: EngineType;
  engineVersion: string;
  deploymentMode: DeploymentMode;
  hostInstanceType: string;
  storageType: BrokerStorageType;
  publiclyAccessible: boolean;
  autoMinorVersionUpgrade: boolean;
  authenticationStrategy: AuthenticationStrategy;
  /** ISO-8601. */
  created: string;
  state: BrokerState;
  creatorRequestId?: string;
  configurations: { current?: ConfigurationId; history: ConfigurationId[] };
  logs: Logs;
  maintenanceWindowStartTime?: WeeklyStartTime;
  securityGroups: string[];
  subnetIds: string[];
  encryptionOptions?: EncryptionOptions;
  tags: Record<string, string>;
  users: UserRecord[];
  pending: PendingBrokerChanges;
  actionsRequired: ActionRequired[];
  /** Backend-owned placement (ports, directories, vhost…), persisted with the definition. */
  runtime?: Record<string, unknown>;
}

export interface ConfigurationRevisionRecord {
  revision: number;
  created: string;
  description?: string;
  /** base64, as the API carries it (ActiveMQ XML, RabbitMQ cuttlefish). */
  data: string;
}

export interface ConfigurationRecord {
  id: string;
  arn: string;
  name: string;
  engineType: EngineType;
  engineVersion: string;
  authenticationStrategy: AuthenticationStrategy;
  created: string;
  description?: string;
  tags: Record<string, string>;
  revisions: ConfigurationRevisionRecord[];
}

/** The users the running broker enforces (applied state). */
export function appliedUsers(broker: BrokerRecord): Array<UserProps & { username: string }> {
  return broker.users.filter((u) => u.current).map((u) => ({ username: u.username, ...(u.current as UserProps) }));
}

/** The broker's users as DescribeBroker and ListUsers show them: by name, with their pending change. */
export function userSummaries(b: BrokerRecord): UserSummary[] {
  return [...b.users]
    .sort((x, y) => x.username.localeCompare(y.username))
    .map((u) => ({ Username: u.username, PendingChange: u.pending?.change }));
}
