/** What one live SubscribeToShard of this process has sent: the next offset it will send from. */
export interface LivePosition {
  nextOffset: number;
  startedAt: number;
}

/**
 * The SubscribeToShard subscriptions this process serves, by consumer ARN and shard, with how far each has
 * sent: the console's consumer lag. Plain memory, updated when an event is sent (no broker I/O on that path).
 */
export class LiveSubscriptions {
  private readonly positions = new Map<string, LivePosition>();

  private static key(consumerArn: string, shardIndex: number): string {
    return `${consumerArn}\u0000${shardIndex}`;
  }

  /** Starts tracking a subscription; the returned function records progress, `end` forgets it. */
  open(consumerArn: string, shardIndex: number, nextOffset: number, now: number): { sent(nextOffset: number): void; end(): void } {
    const key = LiveSubscriptions.key(consumerArn, shardIndex);
    const position: LivePosition = { nextOffset, startedAt: now };
    this.positions.set(key, position);
    return {
      sent: (next) => {
        position.nextOffset = next;
      },
      // A newer subscription of the same consumer and shard may have replaced this one meanwhile.
      end: () => {
        if (this.positions.get(key) === position) this.positions.delete(key);
      },
    };
  }

  get(consumerArn: string, shardIndex: number): LivePosition | undefined {
    return this.positions.get(LiveSubscriptions.key(consumerArn, shardIndex));
  }
}
