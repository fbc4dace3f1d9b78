import type {
  DeploymentMode,
  EngineType,
  Logs,
  User,
  WeeklyStartTime,
} from '@aws-sdk/client-mq';
import { badRequest } from './errors';

/*
 * Input rules of the MQ model's documentation (AWS-SPEC §4). Each failure is a BadRequestException whose
 * errorAttribute is the wire name of the member at fault.
 */

export const BROKER_NAME = /^[A-Za-z0-9_-]{1,50}$/;
export const ACTIVEMQ_USERNAME = /^[A-Za-z0-9._~-]{2,100}$/;
export const RABBITMQ_USERNAME = /^[A-Za-z0-9._-]{2,100}$/;
export const GROUP_NAME = /^[A-Za-z0-9._~-]{2,100}$/;
export const CONFIGURATION_NAME = /^[A-Za-z0-9._~-]{1,150}$/;
export const MAX_GROUPS = 20;
export const MAX_ACTIVEMQ_USERS = 250;
const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

export function required<T>(value: T | undefined | null, attribute: string): T {
  if (value === undefined || value === null || (typeof value === 'string' && value === '')) {
    throw badRequest(attribute, `The request must include ${attribute}.`);
  }
  return value;
}

export function checkBrokerName(name: unknown): string {
  const value = required(name, 'brokerName');
  if (typeof value !== 'string' || !BROKER_NAME.test(value)) {
    throw badRequest(
      'brokerName',
      'Broker name must be 1-50 characters long and contain only letters, numbers, dashes and underscores; no white space, brackets, wildcards or special characters.',
    );
  }
  return value;
}

/** Enum members are matched case-insensitively (the console and Terraform send `ActiveMQ`), answered upper case. */
export function checkEnum<T extends string>(value: unknown, allowed: readonly T[], attribute: string): T {
  const raw = required(value, attribute);
  const found = allowed.find((a) => a.toUpperCase() === String(raw).toUpperCase());
  if (!found) throw badRequest(attribute, `${attribute} must be one of ${allowed.join(', ')}; got "${String(raw)}".`);
  return found;
}

export function checkDeploymentMode(engine: EngineType, mode: DeploymentMode, allowed: readonly DeploymentMode[]): void {
  if (!allowed.includes(mode)) {
    throw badRequest(
      'deploymentMode',
      `Deployment mode ${mode} is not supported for engine type ${engine}. Supported: ${allowed.join(', ')}.`,
    );
  }
}

export function checkUsername(engine: EngineType, username: unknown, attribute = 'username'): string {
  const value = required(username, attribute);
  if (engine === 'RABBITMQ') {
    if (typeof value !== 'string' || !RABBITMQ_USERNAME.test(value)) {
      throw badRequest(attribute, 'RabbitMQ usernames are 2-100 characters of letters, digits, dashes, periods and underscores (no tilde).');
    }
    if (value.toLowerCase() === 'guest') throw badRequest(attribute, 'Amazon MQ prohibits guest as a RabbitMQ username.');
  } else if (typeof value !== 'string' || !ACTIVEMQ_USERNAME.test(value)) {
    throw badRequest(attribute, 'ActiveMQ usernames are 2-100 characters of letters, digits, dashes, periods, underscores and tildes.');
  }
  return value;
}

export function checkPassword(password: unknown, attribute = 'password'): string {
  const value = required(password, attribute);
  if (typeof value !== 'string' || value.length < 12 || value.length > 250) {
    throw badRequest(attribute, 'The password must be at least 12 characters long (at most 250).');
  }
  if (new Set(value).size < 4) throw badRequest(attribute, 'The password must contain at least 4 unique characters.');
  if (/[,:=]/.test(value)) throw badRequest(attribute, 'The password must not contain commas, colons, or equal signs (,:=).');
  return value;
}

export function checkGroups(engine: EngineType, groups: unknown, attribute = 'groups'): string[] {
  if (groups === undefined || groups === null) return [];
  if (!Array.isArray(groups)) throw badRequest(attribute, 'groups must be a list of strings.');
  if (engine === 'RABBITMQ' && groups.length > 0) throw badRequest(attribute, 'Groups apply to ActiveMQ users only.');
  if (groups.length > MAX_GROUPS) throw badRequest(attribute, `A user belongs to at most ${MAX_GROUPS} groups.`);
  for (const g of groups) {
    if (typeof g !== 'string' || !GROUP_NAME.test(g)) {
      throw badRequest(attribute, 'Group names are 2-100 characters of letters, digits, dashes, periods, underscores and tildes.');
    }
  }
  return [...groups] as string[];
}

/** The users of CreateBroker: ActiveMQ needs at least one (SIMPLE auth), RabbitMQ exactly one administrator. */
export function checkInitialUsers(engine: EngineType, users: User[] | undefined): User[] {
  const list = users ?? [];
  if (engine === 'RABBITMQ' && list.length !== 1) {
    throw badRequest('users', 'A RabbitMQ broker is created with one and only one administrative user.');
  }
  if (engine === 'ACTIVEMQ' && list.length === 0) {
    throw badRequest('users', 'An ActiveMQ broker with SIMPLE authentication needs at least one user.');
  }
  if (list.length > MAX_ACTIVEMQ_USERS) throw badRequest('users', `A broker has at most ${MAX_ACTIVEMQ_USERS} users.`);
  const seen = new Set<string>();
  for (const u of list) {
    const name = checkUsername(engine, u?.Username, 'username');
    if (seen.has(name)) throw badRequest('username', `Duplicate username ${name}.`);
    seen.add(name);
    checkPassword(u.Password);
    checkGroups(engine, u.Groups);
    if (u.ReplicationUser) throw badRequest('replicationUser', 'Replication users belong to cross-region data replication (CRDR), which Wharf does not offer.');
  }
  return list;
}

export function checkTags(tags: unknown, attribute = 'tags'): Record<string, string> {
  if (tags === undefined || tags === null) return {};
  if (typeof tags !== 'object' || Array.isArray(tags)) throw badRequest(attribute, 'tags must be a map of strings.');
  const entries = Object.entries(tags as Record<string, unknown>);
  if (entries.length > 50) throw badRequest(attribute, 'A resource has at most 50 tags.');
  for (const [k, v] of entries) {
    if (k.length < 1 || k.length > 128 || k.toLowerCase().startsWith('aws:')) {
      throw badRequest(attribute, `Tag key "${k}" must be 1-128 characters and must not start with aws:.`);
    }
    if (typeof v !== 'string' || v.length > 256) throw badRequest(attribute, `Tag value of "${k}" must be a string of at most 256 characters.`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

export function checkMaintenanceWindow(w: WeeklyStartTime | undefined): WeeklyStartTime | undefined {
  if (!w) return undefined;
  const day = checkEnum(w.DayOfWeek, DAYS, 'dayOfWeek');
  const time = required(w.TimeOfDay, 'timeOfDay');
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) throw badRequest('timeOfDay', 'timeOfDay must be HH:MM in 24-hour format.');
  return { DayOfWeek: day as WeeklyStartTime['DayOfWeek'], TimeOfDay: time, TimeZone: w.TimeZone ?? 'UTC' };
}

export function checkLogs(engine: EngineType, logs: Logs | undefined): Logs {
  if (!logs) return { General: false, Audit: false };
  if (engine === 'RABBITMQ' && logs.Audit) throw badRequest('audit', 'Audit logs apply to ActiveMQ brokers only.');
  return { General: !!logs.General, Audit: engine === 'ACTIVEMQ' ? !!logs.Audit : undefined };
}

/** maxResults of list operations (the model: 5-100 for engine types / instance options; 1-100 elsewhere). */
export function checkMaxResults(value: number | undefined, min = 1, max = 100, fallback = 20): number {
  if (value === undefined || value === null) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badRequest('maxResults', `maxResults must be an integer from ${min} to ${max}.`);
  }
  return value;
}

/** Opaque page tokens: base64url of the next offset. */
export function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

export function decodeToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    /* fall through */
  }
  throw badRequest('nextToken', 'The nextToken is not valid.');
}

export function page<T>(items: T[], maxResults: number, token: string | undefined): { items: T[]; nextToken?: string } {
  const start = decodeToken(token);
  const slice = items.slice(start, start + maxResults);
  const next = start + maxResults < items.length ? encodeToken(start + maxResults) : undefined;
  return { items: slice, nextToken: next };
}
