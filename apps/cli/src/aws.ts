export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Where and as whom the CLI talks: `--endpoint` or AWS_ENDPOINT_URL (default the local edge), the usual AWS env. */
export interface AwsTarget {
  endpoint: string;
  region: string;
  credentials?: AwsCredentialIdentity;
}

export function awsTarget(endpointFlag?: string): AwsTarget {
  const endpoint = (endpointFlag ?? process.env.AWS_ENDPOINT_URL ?? 'http://localhost:4566').replace(/\/+$/, '');
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  // Without credentials in the env the SDK's default chain would look for a profile or instance role; Wharf
  // accepts any key unless SigV4 is on, so the CLI signs as test/test then (WHARF_CREDENTIALS' default).
  const credentials = process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE ? undefined : { accessKeyId: 'test', secretAccessKey: 'test' };
  return { endpoint, region, credentials };
}

/** The options every SDK client of the CLI is built with. */
export function clientConfig(target: AwsTarget): { endpoint: string; region: string; credentials?: AwsCredentialIdentity; maxAttempts: number } {
  return { endpoint: target.endpoint, region: target.region, ...(target.credentials ? { credentials: target.credentials } : {}), maxAttempts: 5 };
}

/** An SDK or network error as one line a person can act on (the AWS error code, its message, the HTTP status). */
export function describeError(err: unknown): string {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number; attempts?: number }; code?: string; cause?: { code?: string; message?: string } };
  const status = e?.$metadata?.httpStatusCode;
  // An answer to a call the SDK sent more than once may be about what an earlier attempt did: say so.
  const attempts = (e?.$metadata?.attempts ?? 1) > 1 ? `, attempt ${e.$metadata?.attempts}` : '';
  const network = e?.code ?? e?.cause?.code;
  if (network === 'ECONNREFUSED' || /ECONNREFUSED/.test(String(e?.message))) return `connection refused: nothing answers at the endpoint (is Wharf running? --endpoint / AWS_ENDPOINT_URL)`;
  // The SDK could not parse the answer: something other than the service answered (a wrong endpoint, a proxy).
  const body = (err as { $responseBodyText?: unknown })?.$responseBodyText;
  if (e?.name === 'SyntaxError' && typeof body === 'string') {
    const text = body.replace(/\s+/g, ' ').trim();
    return `the endpoint answered in a form the SDK cannot read (HTTP ${status ?? '?'}${attempts}): ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`;
  }
  if (status) return `${e.name ?? 'Error'} (HTTP ${status}${attempts}): ${e.message ?? ''}`.trim();
  if (e?.name && e.name !== 'Error') return `${e.name}: ${e.message ?? ''}`;
  return e?.message ?? String(err);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What a client may send again: the SDK's own verdict, a 5xx, a throttle, or a connection that dropped. */
export function isRetryable(err: unknown): boolean {
  const e = err as { $retryable?: unknown; $metadata?: { httpStatusCode?: number }; code?: string; cause?: { code?: string } };
  const status = e?.$metadata?.httpStatusCode ?? 0;
  const network = e?.code ?? e?.cause?.code ?? '';
  return Boolean(e?.$retryable) || status >= 500 || status === 429 || /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT)$/.test(network);
}

/**
 * Calls `fn` again while it fails with a retryable error, for up to `forMs`, after the SDK's own 5 attempts:
 * a broker node lost under Wharf makes it answer retryable errors for seconds (a Redis failover ~15 s), longer
 * than the SDK's backoff covers, and a demo is meant to ride through that as a patient application does.
 * Only for calls that are safe to repeat (receives, deletes by receipt handle, FIFO sends with dedup ids).
 */
export async function persist<T>(what: string, fn: () => Promise<T>, warn: (line: string) => void, forMs = 120_000): Promise<T> {
  const until = Date.now() + forMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err) || Date.now() >= until) throw err;
      warn(`${what} failed (${describeError(err)}); again in ${Math.min(attempt, 10) * 100} ms`);
      await sleep(Math.min(attempt, 10) * 100);
    }
  }
}
