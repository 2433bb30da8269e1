import { ipAllowList } from '@switchyard/config';
import type { PiiPolicyConfig } from '@switchyard/guardrails';
import { ErrorKind, type AdmitRequest, type AdmitResponse, type PiiPolicy, type Principal } from '@switchyard/ir';
import { modelAllowed } from '@switchyard/shared';
import type { BalanceAccount } from './credit/balance.types';
import type { KeyRecord } from './key-directory.types';
import { isTokenPlanScope, planScope } from './plan-quota';
import type { QuotaLimits, QuotaScope } from './quota';

/** What admission decided about one secret, built once per directory load, not per request. */
export interface KeyPlan {
  record: KeyRecord;
  principal: Principal;
  ipAllowed?: (ip: string) => boolean;
  /** The key and tenant allow no common region. */
  noRegion: boolean;
  /** Counted scopes (key, tenant, the plan's in USD); empty when none has a limit. */
  scopes: QuotaScope[];
  /** A token plan's scope, admitted on its own before the others (plan-quota.ts says why). */
  tokenScope?: QuotaScope;
  /** The same scopes' budgets alone, for a request counted in the budgets only (a peer's forward). */
  budgetScopes: QuotaScope[];
  hasBudget: boolean;
  /** The tenant is prepaid: every counted request reserves its maximum cost against this balance. */
  balance?: BalanceAccount;
  /**
   * No scope, no token plan, no balance: admission never counts this key's requests, so whoever
   * holds the directory can answer for it (LocalAdmission, at the cluster ingress).
   */
  countsNothing: boolean;
}

export function refuse(kind: ErrorKind, message: string, param = ''): AdmitResponse {
  return { admitted: false, error: { kind, message, retryable: false, providerStatus: 0, retryAfterMs: 0, param, attemptLog: [] }, maxOutputTokens: 0 };
}

/**
 * The whole answer for a request nothing is counted for: the checklist's refusal, naming whose
 * key it was (the ingress's access line and span), or admitted.
 */
export function uncountedAdmission(plan: KeyPlan, req: AdmitRequest): AdmitResponse {
  const refusal = uncountedRefusal(plan, req);
  if (!refusal) return { admitted: true, principal: plan.principal, maxOutputTokens: 0 };
  refusal.principal = plan.principal;
  return refusal;
}

/**
 * Everything admission checks before it counts (docs/architecture.md §1, auth): revocation,
 * expiry, client IP ranges, the allowed models and regions. The refusal, or undefined to go on.
 */
export function uncountedRefusal(plan: KeyPlan, req: AdmitRequest): AdmitResponse | undefined {
  const refusal = keyRefusal(plan, req.clientIp);
  if (refusal) return refusal;
  const key = plan.record;
  const model = req.model;
  if (model && !(modelAllowed(model, key.models) && modelAllowed(model, key.tenantModels ?? []))) {
    // Auth does not know the catalogue, so a typo in a model name also lands here: point to the list.
    return refuse(ErrorKind.ERROR_KIND_PERMISSION, `This key is not allowed to use the model \`${model}\`. GET /v1/models lists the models it may use.`, 'model');
  }
  if (plan.noRegion) return refuse(ErrorKind.ERROR_KIND_PERMISSION, 'This key may not be served from any region: its regions and its tenant\'s have none in common.');
  return undefined;
}

/** What refuses a known key before its model and limits are looked at: revocation, expiry, client IP. */
export function keyRefusal(plan: KeyPlan, clientIp: string): AdmitResponse | undefined {
  const key = plan.record;
  if (key.revoked) return refuse(ErrorKind.ERROR_KIND_AUTHENTICATION, 'This API key has been revoked.');
  if (key.expiresAt !== undefined && key.expiresAt <= Date.now()) return refuse(ErrorKind.ERROR_KIND_AUTHENTICATION, 'This API key has expired.');
  if (plan.ipAllowed && !plan.ipAllowed(clientIp)) return refuse(ErrorKind.ERROR_KIND_PERMISSION, 'This API key may not be used from your IP address.');
  return undefined;
}

export function keyPlanOf(k: KeyRecord): KeyPlan {
  let ipAllowed: KeyPlan['ipAllowed'];
  if (k.allowedIps?.length || k.tenantAllowedIps?.length) {
    const own = ipAllowList(k.allowedIps ?? []);
    const tenant = ipAllowList(k.tenantAllowedIps ?? []);
    ipAllowed = (ip) => own(ip) && tenant(ip);
  }
  const tenantRegions = k.allowedRegions ?? [];
  const keyRegions = k.keyRegions ?? [];
  const regions = !tenantRegions.length ? keyRegions : !keyRegions.length ? tenantRegions : keyRegions.filter((r) => tenantRegions.includes(r));
  const scopes: QuotaScope[] = [];
  if (limited(k.limits)) scopes.push({ id: `key:${k.id}`, limits: k.limits });
  if (limited(k.tenantLimits)) scopes.push({ id: `tenant:${k.tenantId}`, limits: k.tenantLimits });
  const planned = planScope(k.tenantId, k.plan, (k.spendAlerts?.length ?? 0) > 0);
  const tokenScope = planned && isTokenPlanScope(planned.id) ? planned : undefined;
  if (planned && !tokenScope) scopes.push(planned);
  const budgetScopes: QuotaScope[] = [];
  for (const s of scopes) {
    const { dailyBudgetUsd, monthlyBudgetUsd } = s.limits;
    if (dailyBudgetUsd !== undefined || monthlyBudgetUsd !== undefined) budgetScopes.push({ id: s.id, limits: { dailyBudgetUsd, monthlyBudgetUsd } });
  }
  return {
    record: k,
    principal: { tenantId: k.tenantId, keyId: k.id, models: k.models, tenantModels: k.tenantModels ?? [], allowedRegions: regions, region: '', captureContent: k.captureContent === true, corsOrigins: k.corsOrigins ?? [], ...(k.pii && { pii: piiMessage(k.pii) }), ...(k.auditCaptureBodies && { auditCaptureBodies: true }) },
    ipAllowed,
    noRegion: tenantRegions.length > 0 && keyRegions.length > 0 && regions.length === 0,
    scopes,
    tokenScope,
    budgetScopes,
    hasBudget: !!k.balance || budgetScopes.length > 0 || (tokenScope !== undefined && (tokenScope.limits.dailyBudgetUsd !== undefined || tokenScope.limits.monthlyBudgetUsd !== undefined)),
    balance: k.balance,
    countsNothing: scopes.length === 0 && tokenScope === undefined && k.balance === undefined,
  };
}

function limited(l: QuotaLimits | undefined): l is QuotaLimits {
  return !!l && Object.values(l).some((v) => v !== undefined);
}

/** The key's PII policy as the Principal carries it to the ingress (one object per load, not per request). */
function piiMessage(pii: PiiPolicyConfig): PiiPolicy {
  return { action: pii.action, categories: pii.categories ?? [], restore: pii.restore ?? false, custom: pii.custom ?? [] };
}
