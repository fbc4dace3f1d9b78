import { Agent, request } from 'undici';
import type { AttemptResult, HttpDelivery } from '@wharf/sns-engine';

/**
 * POSTs to HTTP(S) subscribers. 2xx is success; timeouts, network errors, 408, 429 and 5xx are retried per the
 * delivery policy; any other status is a client-side error (no retries: straight to the DLQ or the holding queue).
 */
export class HttpTransport {
  private readonly agent: Agent;

  constructor(private readonly timeoutMs: number) {
    this.agent = new Agent({ keepAliveTimeout: 10_000, connections: 64, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
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
      return { ok: false, retryable: true, error: `${(error as Error).name}: ${(error as Error).message}` };
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
