import http from 'node:http';
import type http2 from 'node:http2';
import type { Duplex } from 'node:stream';
import { AwsError, detectProtocol, encodeError, newRequestId, type WireProtocol } from '@wharf/aws-protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CommonConfig } from './config';
import { sendHttpResponse, toHttpRequestLike } from './http';

/**
 * Requests Node's HTTP parser or Fastify's router refuse before any handler runs (a malformed request line
 * or header, a timeout, an undecodable URL) were answered with Fastify's own JSON (`{"error":"Bad
 * Request","statusCode":400}`), which no AWS SDK reads as an error: the same refusals as AWS errors.
 */

/** The AWS error for a client error Node's HTTP server reports (`clientError`). */
export function clientErrorAsAws(err: NodeJS.ErrnoException): AwsError {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return new AwsError('RequestTimeout', 'Your request was not received within the timeout period.', { status: 408 });
  if (err.code === 'HPE_HEADER_OVERFLOW') return new AwsError('RequestHeaderSectionTooLarge', 'Your request headers exceed the maximum allowed size.', { status: 431 });
  return new AwsError('MalformedHttpRequest', 'The request is not valid HTTP/1.1.', { status: 400 });
}

/**
 * Fastify's `clientErrorHandler`: the request could not be parsed, so its protocol is unknown; the answer
 * is in the service's own protocol and the connection is closed, as Node does.
 */
export function awsClientErrorHandler(config: CommonConfig, protocol: WireProtocol): (err: NodeJS.ErrnoException, socket: Duplex) => void {
  return (err, socket) => {
    if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || socket.destroyed) return;
    // A response already begun on this connection (the edge relaying a service's own 408) is finished, and
    // no second one is written after it.
    const current = (socket as Duplex & { _httpMessage?: http.ServerResponse })._httpMessage;
    if (current?.headersSent) {
      if (current.writableFinished) socket.destroy(err);
      else current.once('close', () => socket.destroy());
      return;
    }
    if (socket.writable) {
      const requestId = newRequestId();
      const r = encodeError(undefined, clientErrorAsAws(err), { requestId, region: config.region, accountId: config.accountId, protocol });
      const body = Buffer.from(r.body);
      const headers = Object.entries({ ...r.headers, 'content-length': String(body.length), connection: 'close' }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      socket.write(Buffer.concat([Buffer.from(`HTTP/1.1 ${r.status} ${http.STATUS_CODES[r.status] ?? ''}\r\n${headers}\r\n`, 'latin1'), body]));
    }
    socket.destroy(err);
  };
}

/** Fastify's `frameworkErrors`: a URL it cannot decode (`/%zz`) is the caller's 400 in the caller's protocol. */
export function awsFrameworkErrors(config: CommonConfig, fallback: WireProtocol): (error: Error, request: FastifyRequest, reply: FastifyReply) => void {
  return (error, request, reply) => {
    const protocol = detectProtocol(toHttpRequestLike(request)) ?? fallback;
    const aws = new AwsError('InvalidURI', `The request URI could not be parsed: ${error.message}`, { status: 400 });
    void sendHttpResponse(reply, encodeError(undefined, aws, { requestId: newRequestId(), region: config.region, accountId: config.accountId, protocol }));
  };
}

/** The 408 of an h2c stream whose request did not arrive in time, in the protocol its headers say. */
export function http2TimeoutAnswer(config: CommonConfig, fallback: WireProtocol): (headers: http2.IncomingHttpHeaders) => ReturnType<typeof encodeError> {
  return (headers) => {
    const request = { method: String(headers[':method'] ?? 'POST'), path: String(headers[':path'] ?? '/'), headers, body: Buffer.alloc(0) };
    const protocol = detectProtocol(request) ?? fallback;
    return encodeError(undefined, clientErrorAsAws(Object.assign(new Error('timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' })), { requestId: newRequestId(), region: config.region, accountId: config.accountId, protocol });
  };
}

/**
 * An HTTP/1.1 request without Host, which Node would refuse with a bare 400 (`requireHostHeader`, turned off
 * for an AWS-shaped answer); undefined when the request is fine. The answer closes the connection.
 */
export function missingHostError(req: Pick<http.IncomingMessage, 'httpVersion' | 'headers'>): AwsError | undefined {
  if (req.httpVersion !== '1.1' || req.headers.host !== undefined) return undefined;
  return new AwsError('InvalidHostHeader', 'An HTTP/1.1 request must carry a Host header.', { status: 400 });
}

/**
 * Two refusals Node writes itself, with no body, before any hook: an HTTP/1.1 request without Host (400)
 * and an `Expect` it does not know (417). Node lets them through instead, and they are answered here as
 * AWS errors in the request's protocol.
 */
export function answerNodeRefusalsAsAws(fastify: FastifyInstance, config: CommonConfig, fallback: WireProtocol): void {
  const server = fastify.server as http.Server & { requireHostHeader: boolean };
  server.requireHostHeader = false;
  const answer = (req: http.IncomingMessage, error: AwsError) => {
    const protocol = detectProtocol({ method: req.method ?? 'POST', path: req.url ?? '/', headers: req.headers, body: Buffer.alloc(0) }) ?? fallback;
    return encodeError(undefined, error, { requestId: newRequestId(), region: config.region, accountId: config.accountId, protocol });
  };
  server.on('checkExpectation', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const r = answer(req, new AwsError('ExpectationFailed', `The expectation "${req.headers.expect}" is not supported.`, { status: 417 }));
    res.writeHead(r.status, { ...r.headers, 'content-length': Buffer.byteLength(r.body), connection: 'close' }).end(r.body);
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    const error = missingHostError(request.raw);
    if (!error) return done();
    void sendHttpResponse(reply.header('connection', 'close'), answer(request.raw, error));
  });
}
