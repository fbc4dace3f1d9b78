import { Sha256 } from '@aws-crypto/sha256-js';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { MqClient } from '@aws-sdk/client-mq';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/** What the edge tells the page at /_wharf/console/config.json. */
export interface ConsoleConfig {
  sigv4: boolean;
  region: string;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

const STORAGE_KEY = 'wharf.console.credentials';
/** Wharf's default credentials (WHARF_CREDENTIALS=test:test): used while SigV4 verification is off. */
const DEFAULT_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export function storedCredentials(): Credentials | undefined {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Credentials) : undefined;
  } catch {
    return undefined;
  }
}

export function storeCredentials(c: Credentials | undefined): void {
  if (c) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(c));
  else sessionStorage.removeItem(STORAGE_KEY);
}

/** The SDK's browser clients, pointed at the page's own origin (the edge), and a signed fetch for admin routes. */
export class Aws {
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly kinesis: KinesisClient;
  readonly mq: MqClient;
  private readonly signers = new Map<string, SignatureV4>();

  constructor(
    readonly region: string,
    private readonly credentials: { accessKeyId: string; secretAccessKey: string } = DEFAULT_CREDENTIALS,
    private readonly origin = location.origin,
  ) {
    const common = { endpoint: origin, region, credentials, maxAttempts: 2 };
    this.sqs = new SQSClient(common);
    this.sns = new SNSClient(common);
    this.kinesis = new KinesisClient(common);
    this.mq = new MqClient(common);
  }

  /**
   * Wharf's own routes, `/_wharf/<svc>/…`: signed for credential scope `<svc>` like the service's API, so
   * they are verified the same way when WHARF_VERIFY_SIGV4 is on. Answers the JSON body, or throws its message.
   */
  async admin<T>(service: 'sqs' | 'sns' | 'kinesis' | 'mq', path: string, init: { method?: string; query?: Record<string, string | string[]>; body?: unknown } = {}): Promise<T> {
    const url = new URL(`/_wharf/${service}/${path}`, this.origin);
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    const request = new HttpRequest({
      method: init.method ?? 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: init.query,
      headers: { host: url.host, ...(body ? { 'content-type': 'application/json' } : {}) },
      body,
    });
    const signed = await this.signer(service).sign(request);
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(init.query ?? {})) for (const one of Array.isArray(v) ? v : [v]) search.append(k, one);
    const headers = { ...signed.headers };
    delete headers.host; // the browser sets it (a forbidden header name)
    const res = await fetch(`${url.pathname}${search.size ? `?${search}` : ''}`, { method: request.method, headers, body });
    const text = await res.text();
    if (!res.ok) throw new Error(errorText(res.status, text));
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private signer(service: string): SignatureV4 {
    let s = this.signers.get(service);
    if (!s) {
      s = new SignatureV4({ service, region: this.region, credentials: this.credentials, sha256: Sha256 });
      this.signers.set(service, s);
    }
    return s;
  }
}

function errorText(status: number, text: string): string {
  try {
    const j = JSON.parse(text) as { message?: string; Message?: string; __type?: string; code?: string };
    const code = j.__type ?? j.code;
    return `${status}${code ? ` ${code}` : ''}: ${j.message ?? j.Message ?? text}`;
  } catch {
    return `${status}: ${text.slice(0, 300)}`;
  }
}

/** An error of an SDK call or admin route, as one line for the page. */
export function describeError(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode;
    return `${status ? `${status} ` : ''}${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message ?? String(err)}`;
  }
  return String(err);
}

/** Errors that mean "these credentials are not accepted": the page asks for others. */
export function isAuthError(err: unknown): boolean {
  const name = (err as { name?: string })?.name ?? '';
  const message = (err as { message?: string })?.message ?? '';
  return /InvalidClientTokenId|SignatureDoesNotMatch|UnrecognizedClient|IncompleteSignature|MissingAuthenticationToken|InvalidSignature|AccessDenied/.test(
    `${name} ${message}`,
  );
}
