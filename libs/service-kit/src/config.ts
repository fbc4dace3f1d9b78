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
