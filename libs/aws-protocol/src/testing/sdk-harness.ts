import { Readable } from 'node:stream';
import { HttpResponse, type HttpRequest } from '@smithy/protocol-http';
import { buildQueryString } from '@smithy/core/protocols';
import type { HttpRequestLike, HttpResponseLike } from '../types';

/**
 * A requestHandler for real SDK clients: captures the HttpRequest the SDK built and answers with whatever
 * `respond` returns (our encoder's output), so the SDK is the oracle on both sides.
 */
export class CaptureHandler {
  readonly requests: HttpRequest[] = [];
  respond: (req: HttpRequestLike) => HttpResponseLike | { status: number; headers: Record<string, string>; stream: Readable } = () => ({
    status: 200,
    headers: {},
    body: '{}',
  });

  async handle(request: HttpRequest): Promise<{ response: HttpResponse }> {
    this.requests.push(request);
    const res = this.respond(toHttpRequestLike(request));
    // Node's HTTP/1.1 and HTTP/2 clients hand the SDK lower-case header names.
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) headers[k.toLowerCase()] = v;
    const body = 'stream' in res ? res.stream : typeof res.body === 'string' ? Buffer.from(res.body, 'utf8') : res.body;
    return { response: new HttpResponse({ statusCode: res.status, headers, body }) };
  }

  updateHttpClientConfig(): void {
    // nothing to configure: no real transport
  }
  httpHandlerConfigs(): Record<string, unknown> {
    return {};
  }

  /** The last captured request, as the server would see it. */
  last(): HttpRequestLike {
    const r = this.requests[this.requests.length - 1];
    if (!r) throw new Error('no request captured');
    return toHttpRequestLike(r);
  }
}

export function toHttpRequestLike(req: HttpRequest): HttpRequestLike {
  const qs = req.query && Object.keys(req.query).length ? buildQueryString(req.query as Record<string, string>) : '';
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
  if (!headers.host && req.hostname) headers.host = req.port ? `${req.hostname}:${req.port}` : req.hostname;
  const body = req.body;
  return {
    method: req.method,
    path: qs ? `${req.path}?${qs}` : req.path,
    headers,
    body:
      body === undefined || body === null
        ? Buffer.alloc(0)
        : typeof body === 'string'
          ? Buffer.from(body, 'utf8')
          : // Copy the bytes: Buffer.from(adapter) would call the SDK's JsonBytesStringAdapter.valueOf().
            Buffer.from(new Uint8Array((body as Uint8Array).buffer, (body as Uint8Array).byteOffset, (body as Uint8Array).byteLength)),
  };
}

export const clientConfig = (handler: CaptureHandler) => ({
  region: 'us-east-1',
  endpoint: 'http://localhost:4566',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  requestHandler: handler,
  maxAttempts: 1,
});

export function streamOf(frames: Uint8Array[]): Readable {
  return Readable.from(frames.map((f) => Buffer.from(f)));
}
