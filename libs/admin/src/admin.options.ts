import type { OutboundPolicy, SecretBox } from '@switchyard/config';
import type { ConfigFeedFollower, Database } from '@switchyard/db';
import type { BillingPort, CreditCountersPort } from '@switchyard/ir';
import type { ConfigChangeBus } from '@switchyard/queue';
import type { RegionReportView } from './region/region.routes';
import type { PlanStatementPricer } from './reports/plan-statement.section';
import type { StatementSection } from './reports/statement-section';
import type { OidcOptions } from './roles/oidc/oidc.options';

export const ADMIN_OPTIONS = Symbol('AdminOptions');

/** What the app hands the admin API. */
export interface AdminOptions {
  /**
   * The bootstrap bearer token (SWITCHYARD_ADMIN_TOKEN), a platform admin; without one every
   * /admin/v1 route answers 404 (the API is disabled), named and OIDC tokens included.
   */
  token: string | undefined;
  /** Bearer JWTs from an OpenID provider as admin credentials (SWITCHYARD_ADMIN_OIDC_*); off when absent. */
  oidc?: OidcOptions;
  /**
   * Also follow the cross-region change feed every this many ms (SWITCHYARD_CONFIG_FEED_POLL_MS)
   * for revoked admin tokens: other regions' Redis never carries this one's announcements.
   */
  configFeedPollMs?: number;
  /**
   * A change feed this process already follows (the cluster ingress's, for its key directory):
   * listened to instead of polling a second one; `configFeedPollMs` is then not used.
   */
  configFeed?: Pick<ConfigFeedFollower, 'listen'>;
  db: Database;
  /** Announces committed changes so every replica reloads its caches at once. */
  bus: ConfigChangeBus;
  /** Usage queries: billing in process (standalone) or over gRPC (cluster). */
  billing: BillingPort;
  /** Seals literal upstream keys; without it literals are refused (use `env:NAME`). */
  secretBox: SecretBox | undefined;
  /** Where providers may point and which `env:` keys they may name (SWITCHYARD_OUTBOUND_*). */
  outbound: OutboundPolicy;
  /** Region readiness (the ingress's RegionReadiness, the judge of /readyz) for GET /admin/v1/region. */
  region?: { report(): Promise<RegionReportView> };
  /**
   * The monthly statement's parts beyond usage, in order; default: the plan section (empty until
   * a pricer is wired) and the credits section (empty until the credits table exists).
   */
  statementSections?: readonly StatementSection[];
  /** Prices the default plan section (billing's planStatementLines); absent: no plan section. */
  planPricer?: PlanStatementPricer;
  /**
   * Prepaid credit's live counters and the reconciliation (issue 16): in process (standalone), or
   * the cluster's reconcile queue (no live balance: `reservedUsd` is then null). Absent: null and 503.
   */
  credit?: Partial<Pick<CreditCountersPort, 'liveBalance'>> & Pick<CreditCountersPort, 'reconcile'>;
}
