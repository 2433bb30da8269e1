export { Database, DATABASE_KINDS, type DatabaseKind } from './database';
export { createDatabase, type DatabaseOptions } from './create-database';
export { DEFAULT_POOL_SIZE } from './postgres.driver';
export { DEFAULT_PGLITE_DIR } from './pglite.driver';
export type { SqlSession } from './sql-session.types';
export { applyMigrations, MIGRATION_LOCK_KEY, type ApplyMigrationsOptions, type ApplyMigrationsResult } from './migrations.runner';
export { findMigrationsDir, MIGRATIONS_DIR_ENV } from './migrations-dir.locator';
export { applyConfig, CONFIG_LOCK_KEY } from './config.applier';
export { appendConfigFeed, configTopicsOf, CONFIG_FEED_LOCK_KEY, CONFIG_FEED_RETENTION_MS } from './config-feed';
export { ConfigFeedFollower, type ConfigFeedFollowerOptions } from './config-feed.follower';
// What apply checks of the file's tenant keys without a database (switchyard validate).
export { resolveKeys } from './tenant-config.applier';
export {
  CONFIG_CHANGE_ACTIONS,
  CONFIG_ENTITIES,
  type ApplyConfigOptions,
  type ConfigChange,
  type ConfigChangeAction,
  type ConfigEntity,
} from './config-change.types';
export { recordUsageBatch } from './usage.recorder';
export { recordUsageWithAudit, type UsageWithAuditCounts } from './usage-with-audit.recorder';
export { isUsageDataError, recordUsageRejects } from './usage-rejects.store';
export { USAGE_STATUSES, type UsageRecordInput, type UsageRejectInput, type UsageStatus } from './usage-record.types';
export { hashKey, keyPrefix, KEY_PREFIX_MAX_LENGTH, KEY_PREFIX_SECRET_CHARS } from './key-hash';
export { DbModule, READ_DATABASE, openReadDatabase, type DbModuleOptions } from './db.module';
export { Prisma, PrismaClient } from './generated/prisma/client';
export type {
  AdminToken,
  AuditLog,
  RequestAudit,
  CreditEntry,
  Deployment,
  Model,
  Price,
  Provider,
  Tenant,
  UsageRecord,
  UsageReject,
  VirtualKey,
} from './generated/prisma/client';
export * from './price-history.loader';
export {
  queryUsageRollups,
  ROLLUP_DIMENSIONS,
  ROLLUP_GRANULARITIES,
  type RollupDimension,
  type RollupGranularity,
  type UsageRollupPage,
  type UsageRollupQuery,
  type UsageRollupRow,
} from './usage-rollups.query';
export { statementUsageLines, type StatementUsageLine } from './usage-statement.query';
export { deleteUsageBefore, USAGE_RETENTION_BATCH } from './usage-retention';
export { pruneRequestAudit, recordRequestAudit, REQUEST_AUDIT_OUTCOMES, type RequestAuditInput, type RequestAuditOutcome } from './request-audit.store';
export {
  BUDGET_PERIOD_KINDS,
  budgetPeriodsAt,
  loadBudgetAllowances,
  replaceBudgetAllowances,
  type Allowance,
  type BudgetAllowanceRow,
  type BudgetPeriodKind,
  type BudgetPeriods,
  type RegionAllowances,
} from './budget-allowances.store';
export { loadCreditLedger, type CreditLedgerTotals } from './credit-ledger.queries';
export { loadPeriodBalance, type PeriodBalance } from './credit-ledger.queries';
export { SqlResponseStore, responseStoreOf, type ResponseStoreOptions } from './responses.store';
