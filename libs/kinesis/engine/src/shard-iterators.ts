import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a shard iterator points at. Opaque to clients: base64 of these fields plus a MAC. */
export interface IteratorPosition {
  account: string;
  region: string;
  stream: string;
  streamEpoch: number;
  shardIndex: number;
  /** Next Kafka offset to read. */
  offset: number;
  /** When the iterator was issued, epoch ms (they expire five minutes later). */
  issuedAt: number;
}

export const ITERATOR_LIFETIME_MS = 5 * 60 * 1000;
const VERSION = 1;
const MAC_BYTES = 12;

export type IteratorDecodeResult = { ok: true; position: IteratorPosition } | { ok: false };

/** Issues and reads iterators; every process of a deployment must share the secret. */
export class ShardIteratorCodec {
  constructor(private readonly secret: string) {}

  encode(p: IteratorPosition): string {
    const strings = Buffer.from(`${p.account}\n${p.region}\n${p.stream}`, 'utf8');
    const body = Buffer.alloc(1 + 8 + 8 + 8 + 4 + strings.length);
    let at = body.writeUInt8(VERSION, 0);
    at = body.writeBigUInt64BE(BigInt(p.issuedAt), at);
    at = body.writeBigUInt64BE(BigInt(p.offset), at);
    at = body.writeBigUInt64BE(BigInt(p.streamEpoch), at);
    at = body.writeUInt32BE(p.shardIndex, at);
    strings.copy(body, at);
    return Buffer.concat([body, this.mac(body)]).toString('base64');
  }

  decode(iterator: string): IteratorDecodeResult {
    if (iterator.length < 40 || iterator.length > 512 || !/^[A-Za-z0-9+/]+={0,2}$/.test(iterator)) return { ok: false };
    const raw = Buffer.from(iterator, 'base64');
    if (raw.length < 1 + 28 + MAC_BYTES + 4) return { ok: false };
    const body = raw.subarray(0, raw.length - MAC_BYTES);
    const mac = raw.subarray(raw.length - MAC_BYTES);
    if (!timingSafeEqual(mac, this.mac(body)) || body.readUInt8(0) !== VERSION) return { ok: false };
    const [account, region, stream] = body.subarray(29).toString('utf8').split('\n');
    if (stream === undefined) return { ok: false };
    return {
      ok: true,
      position: {
        issuedAt: Number(body.readBigUInt64BE(1)),
        offset: Number(body.readBigUInt64BE(9)),
        streamEpoch: Number(body.readBigUInt64BE(17)),
        shardIndex: body.readUInt32BE(25),
        account,
        region,
        stream,
      },
    };
  }

  private mac(body: Buffer): Buffer {
    return createHmac('sha256', this.secret).update(body).digest().subarray(0, MAC_BYTES);
  }
}
