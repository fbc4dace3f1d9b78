import net from 'node:net';
import tls from 'node:tls';
import type { Listener } from './management-client';

/** The TLS listeners RABBITMQ brokers get, by the cleartext listener each one fronts. */
export const TLS_LISTENERS = [
  { name: 'amqps', tlsProtocol: 'amqp/ssl', clearProtocol: 'amqp', defaultPort: 5671 },
  { name: 'mqtt', tlsProtocol: 'mqtt/ssl', clearProtocol: 'mqtt', defaultPort: 8883 },
  { name: 'stomp', tlsProtocol: 'stomp/ssl', clearProtocol: 'stomp', defaultPort: 61634 },
  { name: 'wss', tlsProtocol: 'https/web-stomp', clearProtocol: 'http/web-stomp', defaultPort: 15673 },
  { name: 'https', tlsProtocol: 'https', clearProtocol: 'http', defaultPort: 15671 },
] as const;

export type TlsListenerName = (typeof TLS_LISTENERS)[number]['name'];

export interface RabbitMqTlsOptions {
  key: string;
  cert: string;
  /** Address the TLS listeners bind. */
  bindHost: string;
  /** Port per listener; 0 = any free port. A port in use falls back to a free one (logged). */
  ports: Partial<Record<TlsListenerName, number>>;
  logger: { warn(fields: object, message: string): void };
}

/**
 * TLS in front of the shared RabbitMQ node, terminated in the mq process: one `tls.Server` per cleartext
 * listener (AMQP 0-9-1, MQTT, STOMP, Web-STOMP, the management UI), each connection piped to that listener.
 * Turning on RabbitMQ's own TLS listeners would mean a node restart that disconnects every other user of the
 * node (SNS's queues, other brokers); a proxy disturbs nobody. The cost is one extra local hop and RabbitMQ
 * seeing the proxy's address as the client's.
 */
export class RabbitMqTlsProxy {
  private readonly servers: tls.Server[] = [];
  /** What RabbitMQ would list for its own TLS listeners: protocol and the port clients use. */
  readonly listeners: Listener[] = [];

  constructor(private readonly options: RabbitMqTlsOptions) {}

  /** Opens a TLS listener for each cleartext listener the node has (from its overview). */
  async start(upstreamHost: string, nodeListeners: Listener[]): Promise<void> {
    if (this.servers.length) return;
    for (const l of TLS_LISTENERS) {
      const upstream = nodeListeners.find((x) => x.protocol === l.clearProtocol);
      if (!upstream) continue;
      const server = tls.createServer({ key: this.options.key, cert: this.options.cert }, (client) => pipeTo(client, upstreamHost, upstream.port));
      server.on('tlsClientError', () => undefined); // a client that does not trust the CA: its own business
      const port = await listen(server, this.options.bindHost, this.options.ports[l.name] ?? l.defaultPort).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EADDRINUSE') throw err;
        const free = await listen(server, this.options.bindHost, 0);
        this.options.logger.warn({ listener: l.name, wanted: this.options.ports[l.name] ?? l.defaultPort, port: free }, 'RabbitMQ TLS port in use; listening on a free one (the endpoints say which)');
        return free;
      });
      this.servers.push(server);
      this.listeners.push({ node: 'wharf-mq-tls', protocol: l.tlsProtocol, ip_address: this.options.bindHost, port });
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((s) => new Promise((r) => s.close(r))));
    this.servers.length = 0;
  }
}

function listen(server: tls.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.removeListener('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/** Both directions, ends passed on; either side failing closes both. */
function pipeTo(client: tls.TLSSocket, host: string, port: number): void {
  const upstream = net.connect({ host, port });
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
  client.on('close', () => upstream.end());
  upstream.on('close', () => client.end());
  client.pipe(upstream);
  upstream.pipe(client);
}
