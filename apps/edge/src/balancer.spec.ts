import { describe, expect, it } from 'vitest';
import { ReplicaBalancer, type Replica } from './balancer';
import { upstreamList } from './edge.config';
import { isReplaySafe } from './routing';

const urls = ['http://a:1', 'http://b:1', 'http://c:1'];
const pickUrls = (b: ReplicaBalancer, n: number) => Array.from({ length: n }, () => b.pick()?.url);

describe('ReplicaBalancer.pick', () => {
  it('goes round robin while no replica is busier than another', () => {
    const b = new ReplicaBalancer('sqs', urls);
    expect(pickUrls(b, 6)).toEqual(['http://a:1', 'http://b:1', 'http://c:1', 'http://a:1', 'http://b:1', 'http://c:1']);
  });

  it('sends to the replica with the fewest requests in flight (a long poll keeps one busy)', () => {
    const b = new ReplicaBalancer('sqs', urls);
    const [a, bb] = b.replicas as [Replica, Replica, Replica];
    b.begin(a);
    b.begin(a);
    b.begin(bb);
    expect(b.pick()?.url).toBe('http://c:1');
    b.begin(b.replicas[2] as Replica);
    expect(b.pick()?.url).toBe('http://b:1'); // b and c have 1, a has 2: b is next round the ring after c
    b.finished(a);
    b.finished(a);
    expect(b.pick()?.url).toBe('http://a:1');
  });

  it('skips a replica that is down and those already tried for this request', () => {
    const b = new ReplicaBalancer('sqs', urls);
    const [a, bb, c] = b.replicas as [Replica, Replica, Replica];
    b.requestFailed(bb, 'connection refused');
    expect(pickUrls(b, 4)).toEqual(['http://a:1', 'http://c:1', 'http://a:1', 'http://c:1']);
    expect(b.pick(new Set([a]))?.url).toBe('http://c:1');
    // every routable one tried: the one thought down is still tried before giving up
    expect(b.pick(new Set([a, c]))?.url).toBe('http://b:1');
    expect(b.pick(new Set([a, bb, c]))).toBeUndefined();
  });

  it('still tries a lone replica that is down, and any replica when all are down', () => {
    const lone = new ReplicaBalancer('sqs', ['http://only:1']);
    lone.requestFailed(lone.replicas[0] as Replica, 'connection refused');
    expect(lone.pick()?.url).toBe('http://only:1');
    const b = new ReplicaBalancer('sqs', urls);
    for (const r of b.replicas) b.requestFailed(r, 'connection refused');
    expect(new Set(pickUrls(b, 3))).toEqual(new Set(urls));
  });
});

describe('ReplicaBalancer states', () => {
  it('a refused request takes a replica out at once; the next good check puts it back', () => {
    const changes: string[] = [];
    const b = new ReplicaBalancer('sqs', urls, { onChange: (r, from, by) => changes.push(`${r.url} ${from}→${r.state} by ${by}`) });
    const a = b.replicas[0] as Replica;
    b.requestFailed(a, 'connection refused');
    expect(a).toMatchObject({ state: 'down', reason: 'connection refused' });
    b.checked(a, true);
    expect(a.state).toBe('up');
    expect(changes).toEqual(['http://a:1 unknown→down by request', 'http://a:1 down→up by check']);
  });

  it('failed checks take a replica out only after `fall` in a row, a refused one at once', () => {
    const b = new ReplicaBalancer('sqs', urls, { fall: 2 });
    const [a, bb] = b.replicas as [Replica, Replica, Replica];
    b.checked(a, true);
    b.checked(a, false, '/health: no answer within the health timeout');
    expect(a.state).toBe('up');
    b.checked(a, true);
    b.checked(a, false, 'slow');
    expect(a.state).toBe('up'); // the success in between reset the count
    b.checked(a, false, 'slow');
    expect(a).toMatchObject({ state: 'down', reason: 'slow' });
    b.checked(bb, false, '/health: connection refused', true);
    expect(bb.state).toBe('down');
  });

  it('counts requests in flight and reports each replica with its times', () => {
    let now = 1_000;
    const b = new ReplicaBalancer('sqs', urls.slice(0, 2), { now: () => now });
    const a = b.replicas[0] as Replica;
    b.begin(a);
    now += 2_500;
    b.checked(a, true);
    now += 500;
    b.finished(a);
    b.finished(a); // more finishes than begins never goes below zero
    expect(b.view()).toEqual([
      { url: 'http://a:1', state: 'up', inFlight: 0, requests: 1, forSeconds: 0.5, checkedSecondsAgo: 0.5 },
      { url: 'http://b:1', state: 'unknown', inFlight: 0, requests: 0, forSeconds: 3 },
    ]);
  });
});

describe('upstreamList', () => {
  it('takes one URL (the settings as before) or a comma list', () => {
    expect(upstreamList('WHARF_SQS_URL', 'http://127.0.0.1:9324')).toEqual(['http://127.0.0.1:9324']);
    expect(upstreamList('WHARF_SQS_URL', ' http://a:9324/, http://b:9324 ,,http://a:9324')).toEqual(['http://a:9324', 'http://b:9324']);
  });
  it('refuses what is not an http(s) URL, and an empty list', () => {
    expect(() => upstreamList('WHARF_SQS_URL', 'a:9324')).toThrow(/WHARF_SQS_URL.*not an http\(s\) URL/);
    expect(() => upstreamList('WHARF_SQS_URL', 'http://a:1,nope')).toThrow(/"nope" is not a URL/);
    expect(() => upstreamList('WHARF_SQS_URL', ' , ')).toThrow(/names no URL/);
  });
});

describe('isReplaySafe', () => {
  it('reads are, writes and ReceiveMessage are not', () => {
    for (const op of ['GetRecords', 'DescribeStream', 'ListQueues', 'GetQueueAttributes', 'SubscribeToShard']) expect(isReplaySafe('POST', op)).toBe(true);
    for (const op of ['SendMessage', 'ReceiveMessage', 'PutRecords', 'Publish', 'DeleteMessage', 'Getaway']) expect(isReplaySafe('POST', op)).toBe(false);
    expect(isReplaySafe('GET', undefined)).toBe(true);
    expect(isReplaySafe('DELETE', undefined)).toBe(false);
  });
});
