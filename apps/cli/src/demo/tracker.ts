import type { Delivery } from '../verify';

export interface TrackerOptions {
  expectedPerSubscriber: number;
  subscribers: string[];
  /** Consumers give up this long after the producer finished with nothing new arriving (then: lost). */
  idleMs: number;
  /** Hard limit for the whole consume phase. */
  timeoutMs: number;
  onNew(): void;
}

/** What the consumers of one run share: the deliveries in arrival order, and when to stop. */
export class Tracker {
  readonly deliveries: Delivery[] = [];
  private readonly unique = new Set<string>();
  private producerDoneAt?: number;
  private lastNewAt = Date.now();
  private readonly deadline: number;
  firstAt?: number;
  lastAt?: number;

  constructor(private readonly o: TrackerOptions) {
    this.deadline = Date.now() + o.timeoutMs;
  }

  /** Records one delivery (in arrival order); returns it so a consumer can fill in when it released it. */
  saw(d: Delivery): Delivery {
    this.deliveries.push(d);
    const key = `${d.subscriber}\0${d.truck}\0${d.seq}`;
    this.firstAt ??= d.receivedAt;
    this.lastAt = d.receivedAt;
    if (!this.unique.has(key)) {
      this.unique.add(key);
      this.lastNewAt = Date.now();
      this.o.onNew();
    }
    return d;
  }

  producerDone(): void {
    this.producerDoneAt = Date.now();
    this.lastNewAt = Math.max(this.lastNewAt, this.producerDoneAt);
  }

  get complete(): boolean {
    return this.unique.size >= this.o.expectedPerSubscriber * this.o.subscribers.length;
  }

  /** True once every position arrived, or nothing new came for idleMs after production ended, or time is up. */
  get finished(): boolean {
    if (this.complete) return true;
    const now = Date.now();
    if (now > this.deadline) return true;
    return this.producerDoneAt !== undefined && now - this.lastNewAt > this.o.idleMs;
  }

  get reason(): string {
    if (this.complete) return 'every position arrived';
    if (Date.now() > this.deadline) return `time limit (${this.o.timeoutMs / 1000} s) reached`;
    return `nothing new for ${this.o.idleMs / 1000} s after the producer finished`;
  }
}
