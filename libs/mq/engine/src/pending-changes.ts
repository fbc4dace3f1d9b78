import type { BrokerRecord, UserRecord } from './model';

/*
 * What UpdateBroker and the user operations leave pending (ActiveMQ users, engine version, instance type,
 * configuration, …) becomes the broker's definition when RebootBroker starts; the reboot then applies it.
 */

/** Moves every pending change into the definition. */
export function commitPending(b: BrokerRecord): void {
  const p = b.pending;
  if (p.engineVersion) b.engineVersion = p.engineVersion;
  if (p.hostInstanceType) b.hostInstanceType = p.hostInstanceType;
  if (p.authenticationStrategy) b.authenticationStrategy = p.authenticationStrategy;
  if (p.securityGroups) b.securityGroups = p.securityGroups;
  if (p.logs) b.logs = p.logs;
  if (p.configuration) {
    if (b.configurations.current) b.configurations.history = [...b.configurations.history, b.configurations.current];
    b.configurations.current = p.configuration;
  }
  b.pending = {};
  commitPendingUsers(b);
}

function commitPendingUsers(b: BrokerRecord): void {
  const users: UserRecord[] = [];
  for (const u of b.users) {
    if (!u.pending) users.push(u);
    else if (u.pending.change !== 'DELETE') users.push({ username: u.username, current: u.pending.props });
  }
  b.users = users;
}
