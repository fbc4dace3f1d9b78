import { header, parseQueryString, splitPathAndQuery } from './http/request';
import type { SigV4Errors } from './sigv4-errors';
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

export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

/** Access key and scope of a request signed either way (header or presigned URL); undefined when unsigned. */
export function signingScope(req: HttpRequestLike): CredentialScope | undefined {
  const auth = parseAuthorization(header(req, 'authorization'));
  if (auth) return auth;
  const [, qs] = splitPathAndQuery(req.path);
  if (!qs.includes('X-Amz-Credential=')) return undefined;
  const value = parseQueryString(qs)?.get('X-Amz-Credential')?.[0];
  return value ? parseCredential(value) : undefined;
}

function parseCredential(value: string): CredentialScope | undefined {
  const parts = value.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || !/^\d{8}$/.test(parts[1]) || parts.some((p) => p === '')) return undefined;
  return { accessKeyId: parts[0], date: parts[1], region: parts[2], service: parts[3] };
}

/** Everything a signature check needs, from either form. */
export interface SignatureParts {
  presigned: boolean;
  credential: CredentialScope;
  signedHeaders: string[];
  signature: string;
  /** yyyymmddThhmmssZ as sent. */
  amzDate: string;
  signingDate: Date;
  /** X-Amz-Expires of a presigned URL (0 for header signatures). */
  expiresSeconds: number;
}

const MAX_PRESIGNED_SECONDS = 604_800;
const PRESIGN_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'] as const;

/** Reads the signature of a request in AWS's order of complaints; throws the style's AwsError. */
export function readSignature(req: HttpRequestLike, query: Map<string, string[]>, errors: SigV4Errors): SignatureParts {
  const authorization = header(req, 'authorization');
  const presigned = query.has('X-Amz-Algorithm') || query.has('X-Amz-Signature') || query.has('X-Amz-Credential');
  if (authorization !== undefined && presigned) {
    throw errors.incomplete('Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified.');
  }
  if (presigned) return readPresigned(query, errors);
  if (authorization === undefined || authorization.trim() === '') throw errors.missing();
  return readHeader(req, authorization, errors);
}

function readHeader(req: HttpRequestLike, authorization: string, errors: SigV4Errors): SignatureParts {
  const value = authorization.trim();
  const space = value.indexOf(' ');
  const algorithm = space < 0 ? value : value.slice(0, space);
  if (algorithm !== 'AWS4-HMAC-SHA256') {
    throw errors.incomplete(`Unsupported AWS 'algorithm': '${algorithm}'. The only supported value is 'AWS4-HMAC-SHA256'.`);
  }
  const params = new Map<string, string>();
  for (const part of value.slice(space + 1).split(',')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq < 0) throw errors.incomplete(`'${p}' not a valid key=value pair (missing equal-sign) in Authorization header: '${value}'.`);
    params.set(p.slice(0, eq), p.slice(eq + 1));
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((k) => !params.get(k));
  if (missing.length) throw errors.incomplete(`${missing.map((k) => `Authorization header requires '${k}' parameter.`).join(' ')} Authorization=${value}`);
  const credential = parseCredential(params.get('Credential') as string);
  if (!credential) {
    throw errors.incomplete(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${params.get('Credential')}'`);
  }
  const amzDate = header(req, 'x-amz-date');
  if (amzDate === undefined) throw errors.incomplete(`Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${value}`);
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) throw errors.incomplete(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'", got '${amzDate}'.`);
  const signature = params.get('Signature') as string;
  if (!/^[0-9a-f]{64}$/.test(signature)) throw errors.mismatch();
  return { presigned: false, credential, signedHeaders: splitSignedHeaders(params.get('SignedHeaders') as string), signature, amzDate, signingDate, expiresSeconds: 0 };
}

function readPresigned(query: Map<string, string[]>, errors: SigV4Errors): SignatureParts {
  for (const name of PRESIGN_PARAMS) {
    const values = query.get(name);
    if (!values?.[0]) throw errors.incomplete(`AWS query-string parameters must include '${name}'. Re-examine the query-string parameters.`);
    if (values.length > 1) throw errors.incomplete(`AWS query-string parameter '${name}' is given more than once.`);
  }
  const get = (name: (typeof PRESIGN_PARAMS)[number]) => (query.get(name) as string[])[0];
  if (get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') {
    throw errors.incomplete(`Unsupported AWS 'algorithm': '${get('X-Amz-Algorithm')}'. The only supported value is 'AWS4-HMAC-SHA256'.`);
  }
  const credential = parseCredential(get('X-Amz-Credential'));
  if (!credential) {
    throw errors.incomplete(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${get('X-Amz-Credential')}'`);
  }
  const amzDate = get('X-Amz-Date');
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) throw errors.incomplete(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'", got '${amzDate}'.`);
  const expires = get('X-Amz-Expires');
  const expiresSeconds = /^\d{1,7}$/.test(expires) ? Number(expires) : NaN;
  if (!(expiresSeconds >= 1 && expiresSeconds <= MAX_PRESIGNED_SECONDS)) {
    throw errors.incomplete(`X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_PRESIGNED_SECONDS}, got '${expires}'.`);
  }
  const signature = get('X-Amz-Signature');
  if (!/^[0-9a-f]{64}$/.test(signature)) throw errors.mismatch();
  return { presigned: true, credential, signedHeaders: splitSignedHeaders(get('X-Amz-SignedHeaders')), signature, amzDate, signingDate, expiresSeconds };
}

function splitSignedHeaders(value: string): string[] {
  return value.split(';').map((h) => h.trim().toLowerCase()).filter(Boolean);
}

/** 20240102T030405Z → Date. */
function parseAmzDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return Number.isNaN(d.getTime()) ? undefined : d;
}
