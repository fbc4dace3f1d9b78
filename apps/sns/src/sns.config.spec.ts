import { describe, expect, it } from 'vitest';
import { queueType } from './sns.config';

describe('WHARF_SNS_QUEUE_TYPE', () => {
  it('auto: quorum queues on a cluster (several node URLs), classic on one node', () => {
    expect(queueType('auto', 'amqp://a:5672')).toBe('classic');
    expect(queueType('auto', 'amqp://a:5672, amqp://b:5672,amqp://c:5672')).toBe('quorum');
    expect(queueType('auto', 'amqp://a:5672,')).toBe('classic');
  });

  it('an explicit type wins over the node count', () => {
    expect(queueType('quorum', 'amqp://a:5672')).toBe('quorum');
    expect(queueType('classic', 'amqp://a:5672,amqp://b:5672')).toBe('classic');
  });

  it('refuses anything else', () => {
    expect(() => queueType('stream', 'amqp://a:5672')).toThrow(/auto, quorum or classic/);
  });
});
