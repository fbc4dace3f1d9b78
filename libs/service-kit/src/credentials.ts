/** One access key Wharf accepts, and the account whose resources it sees. */
export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
  /** 12 digits; absent = the account the request would get without a list (WHARF_ACCOUNT_ID, or a 12-digit key id). */
  accountId?: string;
}

/**
 * Parses `WHARF_CREDENTIALS`: comma-separated `AKID:SECRET` or `AKID:SECRET:ACCOUNT` (ACCOUNT = 12 digits).
 * Throws on a malformed entry or a key listed twice: a typo must not leave a service open or mis-scoped.
 */
export function parseCredentials(text: string): Credential[] {
  const list: Credential[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const parts = entry.split(':').map((p) => p.trim());
    const account = parts.length >= 3 && /^\d{12}$/.test(parts[parts.length - 1]) ? parts.pop() : undefined;
    const [accessKeyId, ...rest] = parts;
    const secretAccessKey = rest.join(':');
    if (!accessKeyId || !secretAccessKey) throw new Error(`WHARF_CREDENTIALS: "${entry}" is not AKID:SECRET or AKID:SECRET:ACCOUNT (12 digits)`);
    if (seen.has(accessKeyId)) throw new Error(`WHARF_CREDENTIALS lists the access key ${accessKeyId} twice`);
    seen.add(accessKeyId);
    list.push(account ? { accessKeyId, secretAccessKey, accountId: account } : { accessKeyId, secretAccessKey });
  }
  return list;
}

/** The access keys Wharf knows: secret and account of each. */
export class CredentialStore {
  private readonly byKey: ReadonlyMap<string, Credential>;

  constructor(readonly list: readonly Credential[]) {
    this.byKey = new Map(list.map((c) => [c.accessKeyId, c]));
  }

  secret(accessKeyId: string): string | undefined {
    return this.byKey.get(accessKeyId)?.secretAccessKey;
  }

  /** The account listed for a key (undefined when the key is unknown or lists none). */
  accountOf(accessKeyId: string): string | undefined {
    return this.byKey.get(accessKeyId)?.accountId;
  }

  /** A key of `accountId` (first listed), for calls Wharf makes on an account's behalf (SNS → SQS delivery). */
  forAccount(accountId: string, defaultAccountId: string): Credential | undefined {
    return this.list.find((c) => (c.accountId ?? defaultAccountId) === accountId);
  }
}

/** WHARF_CREDENTIALS (default `test:test`, the default account). */
export function credentialStoreFromEnv(): CredentialStore {
  return new CredentialStore(parseCredentials(process.env.WHARF_CREDENTIALS || 'test:test'));
}
