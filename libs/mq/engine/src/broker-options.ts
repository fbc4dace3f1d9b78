import type { AuthenticationStrategy, ConfigurationId, EngineType } from '@aws-sdk/client-mq';
import type { Caller } from '@wharf/engine-kit';
import { ownedBy, type MqContext } from './context';
import { badRequest } from './errors';
import { checkEnum, required } from './validation';

/*
 * Checks of broker and configuration options that depend on what this Wharf runs (its backends' versions,
 * its stored configurations); the context-free checks are in validation.ts.
 */

const AUTH_STRATEGIES: readonly AuthenticationStrategy[] = ['SIMPLE', 'LDAP', 'CONFIG_MANAGED'];

/** The engine versions a backend runs, accepting `major.minor` for the newest matching patch. */
export function resolveEngineVersion(ctx: MqContext, engineType: EngineType, requested: string | undefined, attribute = 'engineVersion'): string {
  const versions = ctx.backend(engineType).engineVersions();
  if (requested === undefined || requested === '') return versions[0];
  const exact = versions.find((v) => v === requested);
  if (exact) return exact;
  const prefix = versions.find((v) => v.startsWith(`${requested}.`));
  if (prefix) return prefix;
  // AWS's wording (retired versions such as ActiveMQ 5.17 or RabbitMQ 3.12 get the same answer)
  throw badRequest(attribute, `Broker engine version [${requested}] is invalid for broker engine type [${engineType}]. Valid values: [${versions.join(', ')}].`);
}

const ENGINE_NAMES: Record<EngineType, string> = { ACTIVEMQ: 'ActiveMQ', RABBITMQ: 'RabbitMQ' };

/** Amazon MQ's rule since ActiveMQ 5.18 and RabbitMQ 3.13: brokers on these versions take minor upgrades automatically. */
export function requiresAutoMinorVersionUpgrade(engineType: EngineType, version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  return engineType === 'ACTIVEMQ' ? major === 5 && minor >= 18 : major > 3 || (major === 3 && minor >= 13);
}

/** AutoMinorVersionUpgrade as CreateBroker/UpdateBroker settle it: true unless given, refused false where AWS requires true. */
export function checkAutoMinorVersionUpgrade(engineType: EngineType, version: string, requested: boolean | undefined, upgrading = false): boolean {
  const required = requiresAutoMinorVersionUpgrade(engineType, version);
  if (required && requested === false) {
    const on = upgrading ? 'upgrading to' : 'on';
    throw badRequest('autoMinorVersionUpgrade', `Brokers ${on} [${ENGINE_NAMES[engineType]}] version [${version}] must have [autoMinorVersionUpgrade] set to [true].`);
  }
  return requested ?? required;
}

export function checkAuthentication(engineType: EngineType, value: string | undefined, attribute = 'authenticationStrategy'): AuthenticationStrategy {
  const strategy = value === undefined ? 'SIMPLE' : checkEnum(value, AUTH_STRATEGIES, attribute);
  if (strategy !== 'SIMPLE') {
    throw badRequest(attribute, `Authentication strategy ${strategy} is not supported by Wharf for ${engineType}; use SIMPLE (users defined on the broker).`);
  }
  return strategy;
}

/** A stored configuration of the broker's engine type, with its revision (the latest when none is given). */
export function checkConfigurationRef(ctx: MqContext, engineType: EngineType, ref: ConfigurationId | undefined, caller: Caller): ConfigurationId | undefined {
  if (!ref) return undefined;
  const id = required(ref.Id, 'configuration');
  const found = ctx.configurations.get(id);
  const c = found && ownedBy(found.arn, caller) ? found : undefined;
  if (!c) throw badRequest('configuration', `Configuration ${id} does not exist.`);
  if (c.engineType !== engineType) throw badRequest('configuration', `Configuration ${id} is for ${c.engineType}, not ${engineType}.`);
  const revision = ref.Revision ?? c.revisions[c.revisions.length - 1].revision;
  if (!c.revisions.some((r) => r.revision === revision)) throw badRequest('configuration', `Configuration ${id} has no revision ${revision}.`);
  return { Id: id, Revision: revision };
}

/** LDAP and CRDR, refused alike by CreateBroker and UpdateBroker. */
export function refuseUnsupported(input: { LdapServerMetadata?: unknown; DataReplicationMode?: string }): void {
  if (input.LdapServerMetadata) throw badRequest('ldapServerMetadata', 'LDAP authentication is not supported by Wharf.');
  if (input.DataReplicationMode && input.DataReplicationMode !== 'NONE') {
    throw badRequest('dataReplicationMode', 'Cross-region data replication (CRDR) is not supported by Wharf.');
  }
}
