import type { HttpRequestLike, HttpResponseLike } from '@wharf/aws-protocol';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

const EMPTY = Buffer.alloc(0);

/** Takes a request on Node's own request and response before Fastify sees it; false leaves it to Fastify. */
export type RawRequestHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

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

/** Controllers of the requests in flight, aborted together when the service begins to shut down. */
const inFlight = new Set<AbortController>();
let shuttingDown = false;
let shutdownHooked = false;

/** Called by bootstrapService before Nest's own signal handlers, so open long waits end first. */
export function abortOnShutdownSignals(): void {
  if (shutdownHooked) return;
  shutdownHooked = true;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      shuttingDown = true;
      for (const controller of inFlight) controller.abort();
    });
  }
}

/**
 * A signal for one request: aborted when the caller hangs up before the answer is sent, or when the
 * service shuts down. A long poll that listens to it stops waiting instead of taking messages for
 * a caller that is gone, and shutdown does not wait for polls to run out. (Not AbortSignal.any over a
 * process-wide signal: on Node 20 that retained ~2 KB per request.)
 */
export function requestSignal(reply: FastifyReply): AbortSignal {
  return rawRequestSignal(reply.raw);
}

/** requestSignal for Node's own response (the direct API path, which has no Fastify reply). */
export function rawRequestSignal(response: { once(event: 'close', listener: () => void): unknown; writableFinished?: boolean }): AbortSignal {
  const controller = new AbortController();
  if (shuttingDown) controller.abort();
  inFlight.add(controller);
  response.once('close', () => {
    inFlight.delete(controller);
    if (!response.writableFinished) controller.abort();
  });
  return controller.signal;
}
