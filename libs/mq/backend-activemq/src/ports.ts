import { createServer } from 'node:net';
import { PORT_NAMES, type Ports } from './broker-xml';

/** Can we bind host:port right now? */
export function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Hands out ports from a range: never one another broker of this `mq` holds (running or not), never one
 * something else has bound. Allocation is serialized within the process.
 */
export class PortAllocator {
  private readonly reserved = new Set<number>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly host: string, private readonly first: number, private readonly last: number) {}

  reserve(ports: Iterable<number>): void {
    for (const p of ports) this.reserved.add(p);
  }

  release(ports: Iterable<number>): void {
    for (const p of ports) this.reserved.delete(p);
  }

  /** `count` sets of instance ports (the endpoint ports, or the `names` given). */
  allocate(count: number, names: ReadonlyArray<keyof Ports> = PORT_NAMES): Promise<Ports[]> {
    const run = this.chain.then(async () => {
      const out: Ports[] = [];
      let candidate = this.first + Math.floor(Math.random() * Math.max(1, this.last - this.first + 1));
      const size = this.last - this.first + 1;
      for (let i = 0; i < count; i++) {
        const ports: Partial<Ports> = {};
        for (const name of names) {
          let tries = 0;
          for (;;) {
            if (tries++ >= size) throw new Error(`no free port left in ${this.first}-${this.last} (WHARF_MQ_ACTIVEMQ_PORTS)`);
            const p = this.first + ((candidate - this.first) % size);
            candidate = p + 1;
            if (this.reserved.has(p)) continue;
            if (!(await canBind(this.host, p))) continue;
            this.reserved.add(p);
            ports[name] = p;
            break;
          }
        }
        out.push(ports as Ports);
      }
      return out;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }
}
