import type { UsageRollupRow } from '@switchyard/db';
import { OPERATOR_COST_FIELDS } from '../schemas/common.schemas';
import { rollupsCsv, statementCsv } from './report.csv';
import type { StatementView } from './statement.builder';

const withheld = new Set<string>(OPERATOR_COST_FIELDS);

const row = {
  bucket: '2026-02-01T00:00:00.000Z', tenant: 'acme', requests: 2, errors: 0, inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, reasoningTokens: 0, cacheWriteTokens: 0,
  costUsd: '0.002000000', upstreamCostUsd: '0.001500000', marginUsd: '0.000500000', costedRequests: 2,
} as unknown as UsageRollupRow;

describe(rollupsCsv.name, () => {
  it('has the upstream cost, margin and costed-request columns for operator staff', () => {
    expect(rollupsCsv([row], ['tenant'])).toBe(
      'bucket,tenant,requests,errors,input_tokens,output_tokens,cached_input_tokens,reasoning_tokens,cache_write_tokens,cost_usd,upstream_cost_usd,margin_usd,costed_requests\r\n' +
        '2026-02-01T00:00:00.000Z,acme,2,0,10,5,0,0,0,0.002000000,0.001500000,0.000500000,2\r\n',
    );
  });

  it('leaves those columns out, cells included, when they are withheld (a tenant admin)', () => {
    expect(rollupsCsv([row], ['tenant'], withheld)).toBe(
      'bucket,tenant,requests,errors,input_tokens,output_tokens,cached_input_tokens,reasoning_tokens,cache_write_tokens,cost_usd\r\n' +
        '2026-02-01T00:00:00.000Z,acme,2,0,10,5,0,0,0,0.002000000\r\n',
    );
  });
});

describe(statementCsv.name, () => {
  const statement = {
    tenantId: 'acme', month: '2026-02', from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z', currency: 'USD',
    lines: [{ model: 'm', keyId: 'k', requests: 2, errors: 0, inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, reasoningTokens: 0, cacheWriteTokens: 0, costUsd: '0.002000000', costNanoUsd: '2000000', upstreamCostUsd: '0.001500000', upstreamCostNanoUsd: '1500000', marginUsd: '0.000500000', marginNanoUsd: '500000', costedRequests: 2 }],
    usage: { requests: 2, costUsd: '0.002000000', costNanoUsd: '2000000', upstreamCostUsd: '0.001500000', upstreamCostNanoUsd: '1500000', marginUsd: '0.000500000', marginNanoUsd: '500000', costedRequests: 2 },
    sections: [],
    balance: null,
  } as unknown as StatementView;

  it('leaves the operator cost columns out of every row when they are withheld, and keeps them otherwise', () => {
    const full = statementCsv(statement).split('\r\n');
    const tenant = statementCsv(statement, withheld).split('\r\n');
    expect(full[0]).toBe('section,label,model,key_id,requests,errors,input_tokens,output_tokens,cached_input_tokens,reasoning_tokens,cache_write_tokens,amount_usd,upstream_cost_usd,margin_usd,costed_requests');
    expect(full[1]).toBe('usage,,m,k,2,0,10,5,0,0,0,0.002000000,0.001500000,0.000500000,2');
    expect(tenant).toEqual(['section,label,model,key_id,requests,errors,input_tokens,output_tokens,cached_input_tokens,reasoning_tokens,cache_write_tokens,amount_usd', 'usage,,m,k,2,0,10,5,0,0,0,0.002000000', 'usage,total,,,2,,,,,,,0.002000000', '']);
    expect(tenant.join('\n')).not.toMatch(/0\.0015|0\.0005/);
  });
});
