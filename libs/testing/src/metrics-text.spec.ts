import { describe, expect, it } from 'vitest';
import { counterTotals } from './metrics-text';

const page = `# HELP wharf_edge_requests_total Requests the edge answered
# TYPE wharf_edge_requests_total counter
wharf_edge_requests_total{service="sqs",outcome="in-process",status="200"} 7
wharf_edge_requests_total{service="sqs",outcome="in-process",status="400"} 2
wharf_edge_requests_total{service="mq",outcome="proxied",status="503"} 1
wharf_edge_requests_total_created{service="sqs"} 1700000000
wharf_sns_sqs_calls_total{way="in-process"} 3
wharf_plain_total 4
`;

describe('counterTotals', () => {
  it('sums samples by the labels asked for, in their order', () => {
    expect(counterTotals(page, 'wharf_edge_requests_total', ['service', 'outcome'])).toEqual(
      new Map([
        ['sqs in-process', 9],
        ['mq proxied', 1],
      ]),
    );
    expect(counterTotals(page, 'wharf_edge_requests_total', ['service', 'outcome', 'status']).get('sqs in-process 400')).toBe(2);
  });

  it('reads a counter without labels and leaves out other metrics that share its prefix', () => {
    expect(counterTotals(page, 'wharf_plain_total', [])).toEqual(new Map([['', 4]]));
    expect(counterTotals(page, 'wharf_sns_sqs_calls_total', ['way'])).toEqual(new Map([['in-process', 3]]));
    expect(counterTotals(page, 'wharf_absent_total', ['way']).size).toBe(0);
  });
});
