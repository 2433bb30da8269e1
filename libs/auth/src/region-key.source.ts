import { regionBudgetSettings, type SwitchyardEnv } from '@switchyard/config';
import { type Database, loadBudgetAllowances } from '@switchyard/db';
import { CreditAccountSource } from './credit/credit-account.source';
import type { KeySource } from './key-directory.types';
import { PrismaKeySource } from './prisma-key.source';
import { RegionBudgetShareSource } from './region-budget-share.source';

type RegionKeyEnv = Pick<SwitchyardEnv, 'REDIS_URL' | 'SWITCHYARD_BUDGET_MODE' | 'SWITCHYARD_BUDGET_SHARE_PERCENT' | 'SWITCHYARD_QUOTA_REDIS_URL' | 'SWITCHYARD_REGION'>;

/**
 * The keys a region's admission decides from, read from `read` (the region's replica,
 * DATABASE_READ_URL, else the primary): each key's record, this region's share of every budget
 * (issue 15; in share mode the allowances billing's rebalancing publishes replace the fixed
 * share) and prepaid tenants' balance accounts (issue 16). Auth and the cluster ingress
 * (LocalAdmission) load the same records, so they agree on which keys count nothing.
 */
export function regionKeySource(read: Database, env: RegionKeyEnv, region: string | undefined = env.SWITCHYARD_REGION): KeySource {
  const { share } = regionBudgetSettings(env);
  const allowances = env.SWITCHYARD_BUDGET_MODE === 'share' && region ? (now: number) => loadBudgetAllowances(read, region, now) : undefined;
  return new CreditAccountSource(new RegionBudgetShareSource(new PrismaKeySource(read), share, allowances), read);
}
