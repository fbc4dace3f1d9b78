import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { header, parseQueryString, splitPathAndQuery } from './http/request';
import { readSignature, type SignatureParts } from './sigv4-parse';
import { SigV4Errors, type AuthErrorStyle } from './sigv4-errors';
import type { HttpRequestLike } from './types';

export { parseAuthorization, type AuthorizationInfo } from './sigv4-parse';
export type { AuthErrorStyle } from './sigv4-errors';

export interface VerifyOptions {
  /** The signing name the credential scope must name (`sqs`, `sns`, `kinesis`, `mq`, `wharf`); any when absent. */
  service?: string;
  /** Whether the scope's region is one this endpoint serves; default: any well-formed AWS region name. */
  validRegion?: (region: string) => boolean;
  /** Error codes and statuses as this service's front end answers them (default `json`). */
  style?: AuthErrorStyle;
  /** Defaults to the current time. */
  now?: Date;
  /** Allowed clock skew, default 15 minutes like AWS. */
  maxSkewMs?: number;
}

/** Who signed a request that verified. */
export interface SignedBy {
  accessKeyId: string;
  region: string;
  service: string;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * Checks a SigV4 request as AWS does: header (`Authorization`) or presigned query-string form; the credential
 * scope's service and region; the date within the allowed skew (a presigned URL within X-Amz-Expires);
 * `host`, `x-amz-date` and every `x-amz-*` header signed, and `content-type` when it names the protocol of a
 * JSON request (else a captured request could be replayed as another operation or read as another protocol);
 * the payload hash taken from the body itself (`UNSIGNED-PAYLOAD` or any other declared hash that is not
 * the body's is refused: none of these services is S3). The signature is recomputed with
 * @smithy/signature-v4 over exactly what the client signed and compared in constant time.
 * `credentials` maps an access key id to its secret (undefined = unknown key). Throws AwsError.
 */
export async function verifySigV4(
  req: HttpRequestLike,
  credentials: (accessKeyId: string) => Promise<string | undefined>,
  options: VerifyOptions = {},
): Promise<SignedBy> {
  const errors = new SigV4Errors(options.style ?? 'json');
  const [path, qs] = splitPathAndQuery(req.path);
  const query = parseQueryString(qs);
  if (!query) throw errors.incomplete('The query string is malformed.');
  const sig = readSignature(req, query, errors);
  const { credential: cred } = sig;

  if (options.service !== undefined && cred.service !== options.service) {
    throw errors.mismatch(`Credential should be scoped to correct service: '${options.service}'. `);
  }
  if (!(options.validRegion ?? ((r: string) => REGION.test(r)))(cred.region)) {
    throw errors.mismatch(`Credential should be scoped to a valid region, not '${cred.region}'. `);
  }
  if (sig.amzDate.slice(0, 8) !== cred.date) {
    throw errors.mismatch(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${cred.date}' != '${sig.amzDate.slice(0, 8)}', from '${sig.amzDate}'.`,
    );
  }
  const secret = await credentials(cred.accessKeyId);
  if (secret === undefined) throw errors.unknownKey();
  checkTime(sig, options.now ?? new Date(), options.maxSkewMs ?? 15 * 60_000, errors);
  checkSignedHeaders(req, sig, errors);

  // The canonical request hashes the body we got; a declared hash that is not it is a forgery.
  const bodyHash = createHash('sha256').update(req.body).digest('hex');
  const declared = header(req, 'x-amz-content-sha256');
  if (declared !== undefined && declared.toLowerCase() !== bodyHash) throw errors.mismatch();

  const headers: Record<string, string> = {};
  for (const name of sig.signedHeaders) {
    const v = signedValue(req, name);
    if (v !== undefined) headers[name] = Array.isArray(v) ? v.join(',') : v;
  }
  const q: Record<string, string | string[]> = {};
  for (const [k, values] of query) if (k !== 'X-Amz-Signature') q[k] = values.length === 1 ? values[0] : values;
  const signer = new SignatureV4({
    service: cred.service,
    region: cred.region,
    credentials: { accessKeyId: cred.accessKeyId, secretAccessKey: secret },
    sha256: Sha256,
    applyChecksum: false, // else it adds an x-amz-content-sha256 header the client never signed
  });
  const request = new HttpRequest({ method: req.method, hostname: headers.host ?? headers[':authority'] ?? 'localhost', path, query: q, headers, body: req.body });
  const signable = new Set(sig.signedHeaders);
  let expected: string;
  if (sig.presigned) {
    const presigned = await signer.presign(request, {
      signingDate: sig.signingDate,
      expiresIn: sig.expiresSeconds,
      signableHeaders: signable,
      unhoistableHeaders: signable,
      signingRegion: cred.region,
      signingService: cred.service,
    });
    expected = String(presigned.query?.['X-Amz-Signature'] ?? '');
  } else {
    const signed = await signer.sign(request, { signingDate: sig.signingDate, signableHeaders: signable, signingRegion: cred.region, signingService: cred.service });
    expected = /Signature=([0-9a-f]+)/.exec(String((signed.headers as Record<string, string>).authorization))?.[1] ?? '';
  }
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(sig.signature, 'utf8');
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw errors.mismatch();
  return { accessKeyId: cred.accessKeyId, region: cred.region, service: cred.service };
}

function checkTime(sig: SignatureParts, now: Date, maxSkewMs: number, errors: SigV4Errors): void {
  const signed = sig.signingDate.getTime();
  const fmt = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const minutes = Math.round(maxSkewMs / 60_000);
  if (signed - now.getTime() > maxSkewMs) {
    throw errors.mismatch(
      `Signature not yet current: ${sig.amzDate} is still later than ${fmt(now.getTime() + maxSkewMs)} (${fmt(now.getTime())} + ${minutes} min.)`,
    );
  }
  if (sig.presigned) {
    const expires = signed + sig.expiresSeconds * 1000;
    if (now.getTime() > expires) throw errors.expired(`Request has expired: X-Amz-Date ${sig.amzDate} + X-Amz-Expires ${sig.expiresSeconds} s is earlier than ${fmt(now.getTime())}.`);
    return;
  }
  if (now.getTime() - signed > maxSkewMs) {
    throw errors.mismatch(
      `Signature expired: ${sig.amzDate} is now earlier than ${fmt(now.getTime() - maxSkewMs)} (${fmt(now.getTime())} - ${minutes} min.)`,
    );
  }
}

/** Headers that say what the request is must be signed, so a captured signature covers its meaning. */
function checkSignedHeaders(req: HttpRequestLike, sig: SignatureParts, errors: SigV4Errors): void {
  const signed = new Set(sig.signedHeaders);
  for (const name of sig.signedHeaders) {
    if (signedValue(req, name) === undefined) throw errors.incomplete(`'${name}' is named as a SignedHeader, but it does not exist in the HTTP request.`);
  }
  if (!signed.has('host') && !signed.has(':authority')) throw errors.mismatch(`'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.`);
  for (const name of Object.keys(req.headers)) {
    const lower = name.toLowerCase();
    if (lower.startsWith('x-amz-') && !signed.has(lower)) {
      throw errors.mismatch(`'${lower}' must be a 'SignedHeader' in the AWS Authorization: every x-amz-* header of the request is signed.`);
    }
  }
  const contentType = (header(req, 'content-type') ?? '').toLowerCase();
  if (/^application\/x-amz-(json|cbor)/.test(contentType) && !signed.has('content-type')) {
    throw errors.mismatch(`'Content-Type' must be a 'SignedHeader' in the AWS Authorization: it names the protocol of the request.`);
  }
}

/**
 * A signed header's value. HTTP/2 names the host `:authority` and HTTP/1.1 `host`; a proxy (the edge) turns
 * one into the other, so either stands for both.
 */
function signedValue(req: HttpRequestLike, name: string): string | string[] | undefined {
  if (name === 'host') return header(req, 'host') ?? header(req, ':authority');
  if (name === ':authority') return header(req, ':authority') ?? header(req, 'host');
  return req.headers[name];
}
