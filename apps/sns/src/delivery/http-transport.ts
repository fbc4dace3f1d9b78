import dns from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector, request } from 'undici';
import { deliveryAllowed, parseIp, type AttemptResult, type CidrRange, type HttpDelivery } from '@wharf/sns-engine';

/** A delivery refused because the endpoint's address is not one this Wharf delivers to. */
class AddressNotAllowed extends Error {
  readonly code = 'EADDRNOTALLOWED';
  constructor(host: string, address: string) {
    super(`${host} is at ${address}, outside the addresses this Wharf delivers to (SNS_HTTP_ALLOWED_CIDRS)`);
    this.name = 'AddressNotAllowed';
  }
}

const allowedAddress = (address: string, allowed: readonly CidrRange[]) => {
  const ip = parseIp(address);
  return ip !== undefined && deliveryAllowed(ip, allowed);
};

/** dns.lookup that fails unless every address of the name is allowed: checked at each connection, not only at Subscribe. */
function guardedLookup(allowed: readonly CidrRange[]): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const refused = addresses.find((a) => !allowedAddress(a.address, allowed));
      if (refused || addresses.length === 0) return callback(new AddressNotAllowed(hostname, refused?.address ?? 'no address'), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/**
 * POSTs to HTTP(S) subscribers. 2xx is success; timeouts, network errors, 408, 429 and 5xx are retried per the
 * delivery policy; any other status (a redirect too: never followed) is a client-side error (no retries:
 * straight to the DLQ or the holding queue). The address connected to is checked at every connection (DNS
 * may point a name elsewhere after Subscribe); a refused address is logged and retried like a network error.
 */
export class HttpTransport {
  private readonly agent: Agent;

  constructor(
    private readonly timeoutMs: number,
    allowed: readonly CidrRange[],
    private readonly onRefused: (error: string) => void = () => undefined,
  ) {
    const connector = buildConnector({ lookup: guardedLookup(allowed), timeout: timeoutMs });
    // An IP literal is never looked up: checked here.
    const connect: buildConnector.connector = (opts, callback) => {
      const host = opts.hostname.replace(/^\[|\]$/g, '');
      if (isIP(host) && !allowedAddress(host, allowed)) return callback(new AddressNotAllowed(host, host), null);
      connector(opts, callback);
    };
    this.agent = new Agent({ keepAliveTimeout: 10_000, connections: 64, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connect });
  }

  async send(delivery: HttpDelivery): Promise<AttemptResult> {
    try {
      const res = await request(delivery.url, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await res.body.dump().catch(() => undefined);
      const status = res.statusCode;
      if (status >= 200 && status < 300) return { ok: true };
      const retryable = status >= 500 || status === 408 || status === 429;
      return { ok: false, retryable, error: `HTTP ${status}` };
    } catch (error) {
      const message = `${(error as Error).name}: ${(error as Error).message}`;
      if (error instanceof AddressNotAllowed) this.onRefused(message);
      return { ok: false, retryable: true, error: message };
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
