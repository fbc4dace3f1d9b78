/** A small client of the RabbitMQ management HTTP API (the `/api/...` endpoints the plugin serves). */
export class ManagementError extends Error {
  constructor(readonly status: number, method: string, path: string, body: string) {
    super(`RabbitMQ management ${method} ${path} answered ${status}${body ? `: ${body.slice(0, 300)}` : ''}`);
  }
}

export class ManagementClient {
  readonly baseUrl: string;
  private readonly authorization: string;

  /** `url` as in WHARF_RABBITMQ_MANAGEMENT_URL: http://user:pass@host:15672 */
  constructor(url: string, private readonly timeoutMs = 10_000) {
    const u = new URL(url);
    const user = decodeURIComponent(u.username || 'guest');
    const pass = decodeURIComponent(u.password || 'guest');
    this.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    u.username = '';
    u.password = '';
    this.baseUrl = u.toString().replace(/\/$/, '');
  }

  async request<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T | undefined> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/api${path}`, {
        method,
        headers: { authorization: this.authorization, 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new Error(`RabbitMQ management API at ${this.baseUrl} unreachable: ${err instanceof Error ? err.message : String(err)}`);
    }
    const text = await res.text();
    if (!res.ok) throw new ManagementError(res.status, method, path, text);
    return text ? (JSON.parse(text) as T) : undefined;
  }

  get<T>(path: string): Promise<T | undefined> {
    return this.request<T>('GET', path);
  }

  /** GET that answers undefined on 404. */
  async find<T>(path: string): Promise<T | undefined> {
    try {
      return await this.get<T>(path);
    } catch (err) {
      if (err instanceof ManagementError && err.status === 404) return undefined;
      throw err;
    }
  }

  put(path: string, body: unknown): Promise<unknown> {
    return this.request('PUT', path, body);
  }

  /** DELETE that treats 404 as done. */
  async delete(path: string, headers: Record<string, string> = {}): Promise<void> {
    try {
      await this.request('DELETE', path, undefined, headers);
    } catch (err) {
      if (err instanceof ManagementError && err.status === 404) return;
      throw err;
    }
  }
}

export const enc = encodeURIComponent;

export interface Listener {
  node: string;
  protocol: string;
  ip_address: string;
  port: number;
}

export interface Overview {
  rabbitmq_version: string;
  listeners: Listener[];
  cluster_name?: string;
}
