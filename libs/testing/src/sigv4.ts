// Raw requests signed as an AWS SDK signs them (@smithy/signature-v4, the SDK's own signer), for tests that
// reach Wharf below an SDK: its own routes (/metrics, /_wharf/…), malformed bodies, forged or stale signatures.
import { Sha256 } from '@aws-crypto/sha256-js';
import { buildQueryString } from '@smithy/core/protocols';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export type SigningKey = { accessKeyId: string; secretAccessKey: string };

export interface SignOptions {
  service: string;
  key: SigningKey;
  method?: string;
  path?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  region?: string;
  date?: Date;
  /** Headers sent but left out of the signature. */
  unsigned?: string[];
}

/** A request to `url`'s origin signed as an SDK would sign it (the URL's host signed), ready for fetch. */
export async function signRequest(url: string, o: SignOptions): Promise<{ url: string; init: RequestInit & { headers: Record<string, string> } }> {
  const u = new URL(url);
  const signer = new SignatureV4({ service: o.service, region: o.region ?? 'us-east-1', credentials: o.key, sha256: Sha256 });
  const request = new HttpRequest({
    method: o.method ?? 'POST',
    protocol: 'http:',
    hostname: u.hostname,
    port: Number(u.port),
    path: o.path ?? '/',
    query: o.query ?? {},
    headers: { host: u.host, ...o.headers },
    ...(o.body !== undefined ? { body: o.body } : {}),
  });
  const signed = await signer.sign(request, { signingDate: o.date ?? new Date(), ...(o.unsigned ? { unsignableHeaders: new Set(o.unsigned) } : {}) });
  const qs = buildQueryString((signed.query ?? {}) as Record<string, string>);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) if (k.toLowerCase() !== 'host') headers[k] = v;
  return { url: `${u.origin}${signed.path}${qs ? `?${qs}` : ''}`, init: { method: signed.method, headers, ...(o.body !== undefined ? { body: o.body } : {}) } };
}

/** A presigned GET URL (query-string SigV4), as @smithy/signature-v4 makes it. */
export async function presignUrl(url: string, path: string, query: Record<string, string>, o: { service: string; key: SigningKey; date?: Date; expiresIn?: number }): Promise<string> {
  const u = new URL(url);
  const signer = new SignatureV4({ service: o.service, region: 'us-east-1', credentials: o.key, sha256: Sha256 });
  const request = new HttpRequest({ method: 'GET', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path, query, headers: { host: u.host } });
  const p = await signer.presign(request, { signingDate: o.date ?? new Date(), expiresIn: o.expiresIn ?? 300 });
  return `${u.origin}${p.path}?${buildQueryString((p.query ?? {}) as Record<string, string>)}`;
}
