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
  /** Verify SigV4 signatures (credentials from WHARF_CREDENTIALS="AKID:secret,…"). */
  verifySignatures: boolean;
  logLevel: string;
}

export function commonConfig(): CommonConfig {
  return {
    host: envString('WHARF_HOST', '127.0.0.1'),
    region: envString('WHARF_REGION', 'us-east-1'),
    accountId: envString('WHARF_ACCOUNT_ID', '000000000000'),
    bodyLimitBytes: envInt('WHARF_BODY_LIMIT_BYTES', 16 * 1024 * 1024),
    verifySignatures: envBool('WHARF_VERIFY_SIGV4', false),
    logLevel: envString('WHARF_LOG_LEVEL', 'info'),
  };
}

/** Parses WHARF_CREDENTIALS ("AKID:secret,AKID2:secret2") into a lookup. */
export function credentialsFromEnv(): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of envString('WHARF_CREDENTIALS', 'test:test').split(',')) {
    const at = pair.indexOf(':');
    if (at > 0) map.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  return map;
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
    redisUrl: envString('WHARF_REDIS_URL', 'redis://127.0.0.1:6379'),
    amqpUrl: envString('WHARF_AMQP_URL', 'amqp://guest:guest@127.0.0.1:5672'),
    rabbitmqManagementUrl: envString('WHARF_RABBITMQ_MANAGEMENT_URL', 'http://guest:guest@127.0.0.1:15672'),
    kafkaBrokers: envString('WHARF_KAFKA_BROKERS', '127.0.0.1:9092')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
  };
}
