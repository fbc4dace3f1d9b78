import type {
  CreateUserRequest,
  CreateUserResponse,
  DeleteUserRequest,
  DeleteUserResponse,
  DescribeUserRequest,
  DescribeUserResponse,
  ListUsersRequest,
  ListUsersResponse,
  UpdateUserRequest,
  UpdateUserResponse,
} from '@aws-sdk/client-mq';
import type { Caller } from '@wharf/engine-kit';
import type { MqContext } from '../context';
import { badRequest, conflict, notFound } from '../errors';
import { type BrokerRecord, type UserProps, type UserRecord, userSummaries } from '../model';
import { MAX_ACTIVEMQ_USERS, checkGroups, checkMaxResults, checkPassword, checkUsername, page } from '../validation';

/*
 * Users of ActiveMQ brokers. `local` (as on Amazon MQ): changes wait for the next reboot and show as pending;
 * `static`: they reach the broker before the call returns. RabbitMQ brokers are refused, as on Amazon MQ,
 * which leaves their users to RabbitMQ's own management API (CreateBroker's first user is still created).
 */

/** The broker, when it is one whose users these operations manage. */
function activeMqBroker(ctx: MqContext, brokerId: string | undefined, caller: Caller): BrokerRecord {
  const b = ctx.broker(brokerId, caller);
  if (b.engineType === 'RABBITMQ') {
    // Wharf's wording: AWS's own message for this refusal is not in its published documentation
    throw badRequest('broker-id', `Broker [${b.brokerId}] is a RabbitMQ broker: the Amazon MQ user APIs are supported for ActiveMQ brokers only. Manage RabbitMQ users with the RabbitMQ management API or web console.`);
  }
  return b;
}

function findUser(b: BrokerRecord, username: string | undefined): UserRecord {
  const u = b.users.find((x) => x.username === username);
  if (!u) throw notFound('username', `Can't find requested user [${username ?? ''}] on broker [${b.brokerId}]. Make sure your user exists.`);
  return u;
}

function checkBrokerAcceptsUserChanges(b: BrokerRecord): void {
  if (b.state === 'DELETION_IN_PROGRESS' || b.state === 'CREATION_FAILED') {
    throw badRequest('broker-id', `Broker ${b.brokerId} is ${b.state}; its users cannot change.`);
  }
}

/** Applies a user change: at once through the backend (RabbitMQ), or as a pending change (ActiveMQ). */
async function change(ctx: MqContext, b: BrokerRecord, mutate: (immediate: boolean) => void): Promise<void> {
  const backend = ctx.backend(b.engineType);
  if (backend.userChanges === 'reboot') {
    mutate(false);
    await ctx.saveBroker(b);
    return;
  }
  await ctx.enqueue(b.brokerId, async () => {
    const before = JSON.parse(JSON.stringify(b)) as BrokerRecord;
    mutate(true);
    try {
      if (b.state === 'RUNNING' || b.state === 'REBOOT_IN_PROGRESS' || b.state === 'CRITICAL_ACTION_REQUIRED') await backend.syncUsers?.(b, before);
    } catch (err) {
      b.users = before.users;
      throw err;
    }
    await ctx.saveBroker(b);
  });
}

export async function CreateUser(ctx: MqContext, input: CreateUserRequest, caller: Caller): Promise<CreateUserResponse> {
  const b = activeMqBroker(ctx, input.BrokerId, caller);
  checkBrokerAcceptsUserChanges(b);
  const username = checkUsername(b.engineType, input.Username);
  const props: UserProps = {
    password: checkPassword(input.Password),
    consoleAccess: !!input.ConsoleAccess,
    groups: checkGroups(b.engineType, input.Groups),
    replicationUser: false,
  };
  if (input.ReplicationUser) throw badRequest('replicationUser', 'Replication users belong to cross-region data replication (CRDR), which Wharf does not offer.');
  const existing = b.users.find((u) => u.username === username);
  if (existing && existing.pending?.change !== 'DELETE') throw conflict('username', `User ${username} already exists on broker ${b.brokerId}.`);
  if (!existing && b.users.length >= MAX_ACTIVEMQ_USERS) throw badRequest('username', `A broker has at most ${MAX_ACTIVEMQ_USERS} users.`);
  await change(ctx, b, (immediate) => {
    if (immediate) {
      b.users = [...b.users.filter((u) => u.username !== username), { username, current: props }];
    } else if (existing) {
      existing.pending = { change: 'UPDATE', props };
    } else {
      b.users.push({ username, pending: { change: 'CREATE', props } });
    }
  });
  return {};
}

export async function UpdateUser(ctx: MqContext, input: UpdateUserRequest, caller: Caller): Promise<UpdateUserResponse> {
  const b = activeMqBroker(ctx, input.BrokerId, caller);
  checkBrokerAcceptsUserChanges(b);
  const u = findUser(b, input.Username);
  if (u.pending?.change === 'DELETE') throw conflict('username', `User ${u.username} is pending deletion.`);
  if (input.ReplicationUser) throw badRequest('replicationUser', 'Replication users belong to cross-region data replication (CRDR), which Wharf does not offer.');
  const base = (u.pending?.props ?? u.current) as UserProps;
  const props: UserProps = {
    password: input.Password !== undefined ? checkPassword(input.Password) : base.password,
    consoleAccess: input.ConsoleAccess ?? base.consoleAccess,
    groups: input.Groups !== undefined ? checkGroups(b.engineType, input.Groups) : base.groups,
    replicationUser: false,
  };
  await change(ctx, b, (immediate) => {
    if (immediate) u.current = props;
    else u.pending = { change: u.current ? 'UPDATE' : 'CREATE', props };
  });
  return {};
}

export async function DeleteUser(ctx: MqContext, input: DeleteUserRequest, caller: Caller): Promise<DeleteUserResponse> {
  const b = activeMqBroker(ctx, input.BrokerId, caller);
  checkBrokerAcceptsUserChanges(b);
  const u = findUser(b, input.Username);
  const remaining = b.users.filter((x) => x !== u && x.pending?.change !== 'DELETE');
  if (b.engineType === 'ACTIVEMQ' && remaining.length === 0) {
    throw badRequest('username', 'An ActiveMQ broker with SIMPLE authentication must keep at least one user.');
  }
  await change(ctx, b, (immediate) => {
    if (immediate || !u.current) b.users = b.users.filter((x) => x !== u);
    else u.pending = { change: 'DELETE' };
  });
  return {};
}

export async function DescribeUser(ctx: MqContext, input: DescribeUserRequest, caller: Caller): Promise<DescribeUserResponse> {
  const b = activeMqBroker(ctx, input.BrokerId, caller);
  const u = findUser(b, input.Username);
  const shown = u.current ?? u.pending?.props;
  return {
    BrokerId: b.brokerId,
    Username: u.username,
    ConsoleAccess: u.current ? u.current.consoleAccess : undefined,
    Groups: u.current ? u.current.groups : undefined,
    ReplicationUser: shown?.replicationUser ?? false,
    Pending: u.pending
      ? { PendingChange: u.pending.change, ConsoleAccess: u.pending.props?.consoleAccess, Groups: u.pending.props?.groups }
      : undefined,
  };
}

export async function ListUsers(ctx: MqContext, input: ListUsersRequest, caller: Caller): Promise<ListUsersResponse> {
  const b = activeMqBroker(ctx, input.BrokerId, caller);
  const max = checkMaxResults(input.MaxResults, 1, 100, 20);
  const { items, nextToken } = page(userSummaries(b), max, input.NextToken);
  return { BrokerId: b.brokerId, MaxResults: max, NextToken: nextToken, Users: items };
}
