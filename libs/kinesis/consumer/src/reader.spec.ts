import { describe, expect, it } from 'vitest';
import { compareSequence, startingPosition } from './reader';

describe('startingPosition', () => {
  it('resumes after a checkpoint, at it when a sub-sequence was recorded, else at the initial position', () => {
    const at = new Date(1_700_000_000_000);
    expect(startingPosition({ type: 'LATEST' }, '4955')).toEqual({ Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: '4955' });
    expect(startingPosition({ type: 'LATEST' }, '4955', 2)).toEqual({ Type: 'AT_SEQUENCE_NUMBER', SequenceNumber: '4955' });
    expect(startingPosition({ type: 'TRIM_HORIZON' })).toEqual({ Type: 'TRIM_HORIZON' });
    expect(startingPosition({ type: 'AT_TIMESTAMP', timestamp: at })).toEqual({ Type: 'AT_TIMESTAMP', Timestamp: at });
  });

  it('compares sequence numbers as 128-bit integers, not strings', () => {
    expect(compareSequence('49000000000000000000000000000000000000000000000000000010', '49000000000000000000000000000000000000000000000000000009')).toBe(1);
    expect(compareSequence('9', '10')).toBe(-1);
    expect(compareSequence('7', '7')).toBe(0);
  });
});
