import { Readable, Transform, type TransformCallback } from 'node:stream';

/** The request body grew past the limit while it was streamed. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`Request body exceeds the limit of ${limit} bytes.`);
  }
}

/** Counts bytes through and fails once they pass the limit (bodies whose length is not announced). */
export class BodyLimiter extends Transform {
  private seen = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) return done(new BodyTooLarge(this.limit));
    done(null, chunk);
  }
}

/**
 * The client's body for one attempt at one replica. It reads nothing from the client until the upstream
 * connection asks for the first bytes, and leaves the client's stream untouched when the attempt fails
 * before that — so a request refused by one replica goes to the next with its body still whole.
 */
export class AttemptBody extends Readable {
  /** The upstream connection asked for the body: bytes may have left; the client's stream is spent. */
  touched = false;
  private readonly onData = (chunk: Buffer) => {
    if (!this.push(chunk)) this.source.pause();
  };
  private readonly onEnd = () => this.push(null);
  private readonly onError = (err: Error) => this.destroy(err);

  constructor(private readonly source: Readable) {
    super();
  }

  override _read(): void {
    if (!this.touched) {
      this.touched = true;
      if (this.source.errored) return void this.destroy(this.source.errored);
      this.source.on('data', this.onData).once('end', this.onEnd).once('error', this.onError);
    }
    this.source.resume();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.source.off('data', this.onData).off('end', this.onEnd).off('error', this.onError);
    this.source.pause();
    done(err);
  }
}

