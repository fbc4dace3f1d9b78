import { parseCredentials } from './credentials';
// Configuration comes from environment variables; every default works on a developer machine.
export function envString(name: string, fallback: string): string {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
}

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer, got "${raw}"`);
  return value;
}

export function envBool(name: string, fallback: boolean): boolean {
  const raw = process.env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${name} must be a boolean, got "${raw}"`);
}

/** Settings every Wharf service shares. */
export interface CommonConfig {
  host: string;
  region: string;
  accountId: string;
  /** Largest request body accepted before AWS-shaped 413. */
  bodyLimitBytes: number;
  /** Verify SigV4 signatures (credentials from WHARF_CREDENTIALS="AKID:secret[:account],…"). */
  verifySignatures: boolean;
  logLevel: string;
  timeouts: ListenerTimeouts;
}

/**
 * Every listener's limits, in ms (0 = none). They bound receiving a request, never the answer: a 20 s long
 * poll or a 5-minute SubscribeToShard stream is a response still being written, which no timeout here cuts.
 */
export interface ListenerTimeouts {
  /** From a request's first byte to its last header (HTTP/1.1). */
  headersMs: number;
  /** From a request's first byte to its last body byte (HTTP/1.1 and each h2c stream); then 408 and closed. */
  requestMs: number;
  /** An idle keep-alive connection (HTTP/1.1) or an HTTP/2 session without a frame is closed. */
  idleMs: number;
}

export function listenerTimeouts(): ListenerTimeouts {
  const requestMs = envInt('WHARF_REQUEST_TIMEOUT_MS', 60_000);
  const headersMs = envInt('WHARF_HEADERS_TIMEOUT_MS', 20_000);
  // Node refuses a headers timeout above the request timeout.
  return { requestMs, headersMs: requestMs > 0 ? Math.min(headersMs, requestMs) : headersMs, idleMs: envInt('WHARF_IDLE_TIMEOUT_MS', 72_000) };
}

export function commonConfig(): CommonConfig {
  return {
    host: envString('WHARF_HOST', '127.0.0.1'),
    region: envString('WHARF_REGION', 'us-east-1'),
    accountId: envString('WHARF_ACCOUNT_ID', '000000000000'),
    bodyLimitBytes: envInt('WHARF_BODY_LIMIT_BYTES', 16 * 1024 * 1024),
    verifySignatures: envBool('WHARF_VERIFY_SIGV4', false),
    logLevel: envString('WHARF_LOG_LEVEL', 'info'),
    timeouts: listenerTimeouts(),
  };
}

/** WHARF_CREDENTIALS as access key → secret (see `credentialStoreFromEnv` for accounts). */
export function credentialsFromEnv(): Map<string, string> {
  return new Map(parseCredentials(envString('WHARF_CREDENTIALS', 'test:test')).map((c) => [c.accessKeyId, c.secretAccessKey]));
}

/** Where the brokers are: one place for every service's defaults (this machine's brokers). */
export interface BrokerConfig {
  redisUrl: string;
  amqpUrl: string;
  rabbitmqManagementUrl: string;
  kafkaBrokers: string[];
}

export function brokerConfig(): BrokerConfig {
  return {
    redisUrl: envString('WHARF_REDIS_URL', 'redis://127.0.0.1:6380'),
    amqpUrl: envString('WHARF_AMQP_URL', 'amqp://guest:guest@127.0.0.1:5672'),
    rabbitmqManagementUrl: envString('WHARF_RABBITMQ_MANAGEMENT_URL', 'http://guest:guest@127.0.0.1:15672'),
    kafkaBrokers: envString('WHARF_KAFKA_BROKERS', '127.0.0.1:9092')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
  };
}
