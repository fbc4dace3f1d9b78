import type { HttpRequestLike, HttpResponseLike } from '@wharf/aws-protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';

const EMPTY = Buffer.alloc(0);

/** The framework-free view of a request that the protocol codecs read. */
export function toHttpRequestLike(request: FastifyRequest): HttpRequestLike {
  return {
    method: request.method,
    path: request.url,
    headers: request.headers,
    body: Buffer.isBuffer(request.body) ? request.body : EMPTY,
  };
}

export function sendHttpResponse(reply: FastifyReply, response: HttpResponseLike): FastifyReply {
  return reply.status(response.status).headers(response.headers).send(response.body);
}

/** Aborted once the service begins to shut down (SIGTERM/SIGINT), before Nest closes the listener. */
const shuttingDown = new AbortController();
let shutdownHooked = false;

/** Called by bootstrapService before Nest's own signal handlers, so open long waits end first. */
export function abortOnShutdownSignals(): void {
  if (shutdownHooked) return;
  shutdownHooked = true;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => shuttingDown.abort());
}

/**
 * A signal for one request: aborted when the caller hangs up before the answer is sent, or when the
 * service shuts down. A long poll that listens to it stops waiting instead of taking messages for
 * a caller that is gone, and shutdown does not wait for polls to run out.
 */
export function requestSignal(reply: FastifyReply): AbortSignal {
  const hangUp = new AbortController();
  const raw = reply.raw as { once(event: 'close', listener: () => void): unknown; writableFinished?: boolean };
  raw.once('close', () => {
    if (!raw.writableFinished) hangUp.abort();
  });
  return AbortSignal.any([hangUp.signal, shuttingDown.signal]);
}
