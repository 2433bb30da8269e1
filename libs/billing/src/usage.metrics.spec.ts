import type { UsageRecordInput } from '@switchyard/db';
import { metricSeries } from '@switchyard/telemetry';
import { countRecorded, countRejected } from './usage.metrics';

function row(over: Partial<UsageRecordInput>): { row: UsageRecordInput } {
  return { row: { tenantId: 'acme', model: 'gpt-4o', providerId: 'openai-eu', cacheHit: false, inputTokens: 10, outputTokens: 4, costUsd: '0.000500000', ...over } as UsageRecordInput };
}

const tokens = (tenant: string, model: string, direction: string) => metricSeries().tokens.find({ tenant, model, direction })?.value ?? 0;
const records = (result: string) => metricSeries().usageRecords.find({ result })?.value ?? 0;

describe('billing metrics', () => {
  it('counts a batch of new records: records, tokens by direction and cost, an unrouted model as none', () => {
    countRecorded([row({}), row({ providerId: null, model: 'no-such-model', inputTokens: 3, outputTokens: 0, costUsd: '0.000000000' })], 2);

    expect(records('recorded')).toBe(2);
    expect(tokens('acme', 'gpt-4o', 'input')).toBe(10);
    expect(tokens('acme', 'gpt-4o', 'output')).toBe(4);
    expect(tokens('acme', 'none', 'input')).toBe(3);
    expect(metricSeries().tokens.find({ model: 'no-such-model' })).toBeUndefined();
    expect(metricSeries().cost.find({ tenant: 'acme', model: 'gpt-4o' })?.value).toBeCloseTo(0.0005, 12);
  });

  it('counts repeats as duplicates and adds no tokens for them', () => {
    const before = tokens('acme', 'gpt-4o', 'input');
    countRecorded([row({}), row({})], 0);
    countRejected(1);

    expect(records('duplicate')).toBe(2);
    expect(records('rejected')).toBe(1);
    expect(tokens('acme', 'gpt-4o', 'input')).toBe(before);
  });
});
