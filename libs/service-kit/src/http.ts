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
