// The plan section of a monthly statement against a real Postgres: plan terms and the month's
// tokens read from the tables billing keeps, priced by planUsageNano.
import { Logger } from '@nestjs/common';
import { recordUsageBatch, type UsageRecordInput } from '@switchyard/db';
import { applyMigrations } from '../../../db/src/migrations.runner';
import { openTestDatabase, type TestDatabase } from '../../../db/src/test-database.harness';
import { planStatementLines } from './plan-statement.pricer';

const FROM = new Date('2026-06-01T00:00:00Z');
const TO = new Date('2026-07-01T00:00:00Z');

function row(requestId: string, tenantId: string, tokens: number, costUsd: string): UsageRecordInput {
  const startedAt = new Date('2026-06-15T12:00:00Z');
  return { requestId, tenantId, keyId: 'k', model: 'm', dialect: 'openai', stream: false, status: 'ok', httpStatus: 200, inputTokens: tokens, outputTokens: 0, costUsd, latencyMs: 1, startedAt, finishedAt: startedAt };
}

describe(planStatementLines.name, () => {
  let t: TestDatabase;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    t = await openTestDatabase('postgres', 'plan_statement');
    await applyMigrations(t.db);
    await t.db.prisma.plan.create({ data: { id: 'pro', name: 'Pro', monthlyFeeUsd: '20', includedUsd: '5', overage: 'price', overageMultiplier: '1.5' } });
    await t.db.prisma.plan.create({ data: { id: 'tok', name: 'Tokens', monthlyFeeUsd: '10', includedTokens: 1000, overage: 'stop' } });
    await t.db.prisma.tenant.createMany({ data: [{ id: 'acme', planId: 'pro', createdAt: new Date('2026-01-01T00:00:00Z') }, { id: 'beta', planId: 'tok', createdAt: new Date('2026-01-01T00:00:00Z') }, { id: 'solo' }] });
    await recordUsageBatch(t.db, [row('a1', 'acme', 600, '4.000000000'), row('a2', 'acme', 400, '3.000000000'), row('b1', 'beta', 1500, '0.300000000')]);
  });
  afterAll(() => t?.dispose());

  const period = (tenantId: string, usd: string) => ({ db: t.db, tenantId, from: FROM, to: TO, usageNanoUsd: BigInt(usd) });

  it('charges the fee, takes the included usage off and marks the overage up by the plan multiplier', async () => {
    const lines = await planStatementLines(period('acme', '7000000000'));

    expect(lines.map((l) => [l.label, l.amountNanoUsd])).toEqual([
      ['plan pro: monthly fee', 20_000_000_000n],
      ['plan pro: included usage (714 tokens)', -5_000_000_000n],
      ['plan pro: overage (286 tokens)', 1_000_000_000n],
    ]);
    // Usage ($7) plus the section: the fee and the overage at 1.5 times its $2 cost.
    expect(7_000_000_000n + lines.reduce((sum, l) => sum + l.amountNanoUsd, 0n)).toBe(23_000_000_000n);
  });

  it('counts a token plan in the month rollups\' tokens, and answers nothing for a tenant on no plan or before it existed', async () => {
    const lines = await planStatementLines(period('beta', '300000000'));

    expect(lines.map((l) => l.label)).toEqual(['plan tok: monthly fee', 'plan tok: included usage (1000 of 1000 tokens)', 'plan tok: overage (500 tokens, plan stops)']);
    expect(lines[1]?.amountNanoUsd).toBe(-200_000_000n);
    expect(await planStatementLines(period('solo', '0'))).toEqual([]);
    const before = { db: t.db, tenantId: 'beta', from: new Date('1999-01-01T00:00:00Z'), to: new Date('1999-02-01T00:00:00Z'), usageNanoUsd: 0n };
    expect(await planStatementLines(before)).toEqual([]);
  });
});
