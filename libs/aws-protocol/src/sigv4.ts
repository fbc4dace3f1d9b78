import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { detectProtocol } from './detect';
import { AwsError } from './errors';
import { header, parseQueryString, splitPathAndQuery } from './http/request';
import type { HttpRequestLike } from './types';

export interface AuthorizationInfo {
  accessKeyId: string;
  /** yyyymmdd from the credential scope. */
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTH = /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-fA-F]+)\s*$/;

/** Reads the SigV4 credential scope from an Authorization header; undefined when absent or not SigV4. */
export function parseAuthorization(value: string | undefined): AuthorizationInfo | undefined {
  if (!value) return undefined;
  const m = AUTH.exec(value.trim());
  if (!m) return undefined;
  return {
    accessKeyId: m[1],
    date: m[2],
    region: m[3],
    service: m[4],
    signedHeaders: m[5].toLowerCase().split(';'),
    signature: m[6].toLowerCase(),
  };
}

export interface VerifyOptions {
  /** Defaults to the current time. */
  now?: Date;
  /** Allowed clock skew, default 15 minutes like AWS. */
  maxSkewMs?: number;
}

/**
 * Recomputes the signature with @smithy/signature-v4 over exactly the headers the client signed, and
 * compares in constant time. `credentials` maps an access key id to its secret (undefined = unknown key).
 */
export async function verifySigV4(
  req: HttpRequestLike,
  credentials: (accessKeyId: string) => Promise<string | undefined>,
  options: VerifyOptions = {},
): Promise<void> {
  const query = detectProtocol(req) === 'awsQuery';
  const auth = parseAuthorization(header(req, 'authorization'));
  if (!auth) {
    throw new AwsError(
      query ? 'MissingAuthenticationToken' : 'MissingAuthenticationTokenException',
      'Request is missing Authentication Token',
      { status: 403 },
    );
  }
  const secret = await credentials(auth.accessKeyId);
  if (secret === undefined) {
    throw new AwsError(
      query ? 'InvalidClientTokenId' : 'UnrecognizedClientException',
      'The security token included in the request is invalid.',
      { status: query ? 403 : 400 },
    );
  }
  const mismatch = () =>
    new AwsError(
      query ? 'SignatureDoesNotMatch' : 'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      { status: 403 },
    );

  const amzDate = header(req, 'x-amz-date');
  const signingDate = amzDate ? parseAmzDate(amzDate) : undefined;
  if (!amzDate || !signingDate || amzDate.slice(0, 8) !== auth.date) throw mismatch();
  const now = options.now ?? new Date();
  if (Math.abs(now.getTime() - signingDate.getTime()) > (options.maxSkewMs ?? 15 * 60_000)) {
    throw new AwsError(
      query ? 'RequestExpired' : 'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier than the allowed clock skew.`,
      { status: 403 },
    );
  }

  // The signer trusts x-amz-content-sha256; make sure it describes the body we got.
  const contentSha = header(req, 'x-amz-content-sha256');
  if (contentSha && contentSha !== 'UNSIGNED-PAYLOAD') {
    if (createHash('sha256').update(req.body).digest('hex') !== contentSha.toLowerCase()) throw mismatch();
  }

  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const v = name === 'host' ? (header(req, 'host') ?? header(req, ':authority')) : req.headers[name];
    if (v === undefined) throw mismatch();
    headers[name] = Array.isArray(v) ? v.join(',') : v;
  }
  const [path, qs] = splitPathAndQuery(req.path);
  const parsed = parseQueryString(qs);
  if (!parsed) throw mismatch();
  const q: Record<string, string | string[]> = {};
  for (const [k, values] of parsed) q[k] = values.length === 1 ? values[0] : values;

  const signer = new SignatureV4({
    service: auth.service,
    region: auth.region,
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey: secret },
    sha256: Sha256,
    applyChecksum: false, // else it adds an x-amz-content-sha256 header the client never signed
  });
  const signed = await signer.sign(
    new HttpRequest({ method: req.method, hostname: headers.host ?? 'localhost', path, query: q, headers, body: req.body }),
    { signingDate, signableHeaders: new Set(auth.signedHeaders), signingRegion: auth.region, signingService: auth.service },
  );
  const expected = /Signature=([0-9a-f]+)/.exec(String((signed.headers as Record<string, string>).authorization))?.[1] ?? '';
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(auth.signature, 'utf8');
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw mismatch();
}

/** 20240102T030405Z → Date. */
function parseAmzDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return Number.isNaN(d.getTime()) ? undefined : d;
}
