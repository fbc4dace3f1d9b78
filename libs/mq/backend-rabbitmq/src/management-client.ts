/** A small client of the RabbitMQ management HTTP API (the `/api/...` endpoints the plugin serves). */
export class ManagementError extends Error {
  constructor(readonly status: number, method: string, path: string, body: string) {
    super(`RabbitMQ management ${method} ${path} answered ${status}${body ? `: ${body.slice(0, 300)}` : ''}`);
  }
}

/**
 * Every node of a RabbitMQ cluster serves the whole cluster's management API (vhosts, users and permissions
 * are cluster-wide), so given several URLs the client sticks to one and moves to the next when it cannot be
 * reached; an HTTP answer, even an error, is the cluster's answer and is not tried elsewhere.
 */
export class ManagementClient {
  private readonly nodes: Array<{ baseUrl: string; authorization: string }>;
  private current = 0;

  /** `urls` as in WHARF_RABBITMQ_MANAGEMENT_URL: http://user:pass@host:15672, or several separated by commas. */
  constructor(urls: string, private readonly timeoutMs = 10_000) {
    this.nodes = urls
      .split(',')
      .map((url) => url.trim())
      .filter(Boolean)
      .map((url) => {
        const u = new URL(url);
        const user = decodeURIComponent(u.username || 'guest');
        const pass = decodeURIComponent(u.password || 'guest');
        u.username = '';
        u.password = '';
        return { baseUrl: u.toString().replace(/\/$/, ''), authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` };
      });
    if (this.nodes.length === 0) throw new Error('no RabbitMQ management URL given');
  }

  /** The node answering now (without credentials). */
  get baseUrl(): string {
    return this.nodes[this.current].baseUrl;
  }

  async request<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T | undefined> {
    let res: Response | undefined;
    const unreachable: string[] = [];
    for (let tried = 0; !res && tried < this.nodes.length; tried++) {
      const node = this.nodes[this.current];
      try {
        res = await fetch(`${node.baseUrl}/api${path}`, {
          method,
          headers: { authorization: node.authorization, 'content-type': 'application/json', ...headers },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (err) {
        unreachable.push(`${node.baseUrl}: ${err instanceof Error ? err.message : String(err)}`);
        this.current = (this.current + 1) % this.nodes.length;
      }
    }
    if (!res) throw new Error(`RabbitMQ management API unreachable (${unreachable.join('; ')})`);
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
