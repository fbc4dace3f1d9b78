import type http from 'node:http';
import type { HttpRequestLike, HttpResponseLike } from '@wharf/aws-protocol';

/**
 * A service's AWS API as the edge can call it in the same process. When Wharf runs as one process
 * (`npm start -- --one-process`, `WHARF_ONE_PROCESS=true`) every service registers here at start-up and the
 * edge answers their plain API calls (POST / with a whole body) through it instead of over a loopback HTTP
 * hop, which cost ~0.3–0.5 ms and a third of a request's CPU on this machine kind. Everything else the edge
 * still proxies to the service's port: Wharf's own routes, REST APIs, event streams. SNS's deliveries to SQS take
 * the same way in (`call`).
 */
export interface InProcessService {
  /** Whether the service answers this request in process, its body being `bodyBytes` long. */
  takes(req: http.IncomingMessage, bodyBytes: number): boolean;
  /** Answers it on `res`; `origin` is the scheme and host the caller used (queue URLs are built on it). */
  answer(req: http.IncomingMessage, body: Buffer, origin: string, res: http.ServerResponse): void;
  /** One API call made by another service of the process (SNS delivering to SQS), answered as over HTTP. */
  call(request: HttpRequestLike, origin: string): Promise<HttpResponseLike>;
}

const services = new Map<string, InProcessService>();

export function registerInProcessService(name: string, service: InProcessService): () => void {
  services.set(name, service);
  return () => {
    if (services.get(name) === service) services.delete(name);
  };
}

/** The service of that name running in this process, if Wharf runs as one. */
export function inProcessService(name: string): InProcessService | undefined {
  return services.get(name);
}
