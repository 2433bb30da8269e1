import type { ConfigIssue } from './config-issue.formatter';
import { formatPath } from './config-issue.formatter';
import { refuseBaseUrl, refuseWebhookUrl } from './outbound/base-url.rules';
import type { OutboundPolicy } from './outbound/outbound-policy.types';
import { refuseUpstreamKeyRef } from './outbound/upstream-env-ref.rules';
import { describeSecretRef } from './secret-ref.resolver';
import type { ModelConfig, NotificationsConfig, ProviderConfig, RoutingTimeouts, SwitchyardConfig, TenantConfig } from './switchyard-config.types';

// What the schema cannot see in one value alone: references between entries, and duplicates.
// Runs only on a config whose shape is already valid, so it can trust the types.

interface Declared {
  providers: ReadonlySet<string>;
  models: ReadonlySet<string>;
}

export function checkConfig(config: SwitchyardConfig, outbound: OutboundPolicy): ConfigIssue[] {
  const declared: Declared = {
    providers: new Set(config.providers.map((provider) => provider.id)),
    models: new Set(config.models.map((model) => model.name)),
  };
  return [
    ...checkTimeouts(config.routing.timeouts),
    ...config.providers.flatMap((provider, i) => checkOutbound(provider, ['providers', i], outbound)),
    ...config.providers.flatMap((provider, i) => checkVendor(provider, ['providers', i])),
    ...config.providers.flatMap((provider, i) => checkApi(provider, ['providers', i])),
    ...unique(config.providers, ['providers'], 'id', (provider) => provider.id, (id) => `duplicate provider id "${id}"`),
    ...config.providers.flatMap((provider, i) =>
      unique(provider.apiKeys, ['providers', i, 'apiKeys'], undefined, (ref) => ref, (ref) =>
        `duplicate key ${describeSecretRef(ref)}`,
      ),
    ),
    ...unique(config.models, ['models'], 'name', (model) => model.name, (name) => `duplicate model name "${name}"`),
    ...config.models.flatMap((model, i) => checkModel(model, ['models', i], declared)),
    ...unique(config.tenants, ['tenants'], 'id', (tenant) => tenant.id, (id) => `duplicate tenant id "${id}"`),
    ...config.tenants.flatMap((tenant, i) =>
      unique(tenant.keys, ['tenants', i, 'keys'], 'name', (key) => key.name, (name) => `duplicate key name "${name}"`),
    ),
    ...checkKeyRefs(config.tenants),
    ...unique(config.plans ?? [], ['plans'], 'id', (plan) => plan.id, (id) => `duplicate plan id "${id}"`),
    ...checkTenantPlans(config),
    ...config.tenants.flatMap((tenant, i) => checkKeyRegions(tenant, ['tenants', i])),
    ...(config.notifications ? checkWebhooks(config.notifications, outbound) : []),
    ...checkRegion(config),
  ];
}

/** A tenant's plan is one the file declares (apply writes plans before tenants, in one transaction). */
function checkTenantPlans(config: SwitchyardConfig): ConfigIssue[] {
  const plans = new Set((config.plans ?? []).map((p) => p.id));
  return config.tenants.flatMap((tenant, i): ConfigIssue[] =>
    tenant.plan === undefined || plans.has(tenant.plan) ? [] : [{ path: ['tenants', i, 'plan'], message: `unknown plan "${tenant.plan}"; declare it under plans` }],
  );
}

/**
 * Peers are named by region: the hop header carries this region's name to them, and a tenant's
 * `regions` decide which of them may serve it; so the region needs a name, and no peer may share
 * it or another peer's. Spill-over with no peer to go to is a mistake, not a setting.
 */
function checkRegion(config: SwitchyardConfig): ConfigIssue[] {
  if (!config.region) return [];
  const { peers, spillover } = config.region;
  const own = config.server.region;
  const issues = unique(peers, ['region', 'peers'], 'name', (p) => p.name, (name) => `duplicate peer region "${name}"`);
  if (peers.length && !own) issues.push({ path: ['server', 'region'], message: 'required when region.peers are declared: peers know this region by its name' });
  peers.forEach((peer, i) => {
    if (own && peer.name === own) issues.push({ path: ['region', 'peers', i, 'name'], message: `"${own}" is this region (server.region), not a peer` });
  });
  if (spillover.enabled && !peers.length) issues.push({ path: ['region', 'spillover', 'enabled'], message: 'spill-over needs at least one entry in region.peers' });
  return issues;
}

/**
 * Webhooks are operator-declared outbound calls: the provider rules for where they may point
 * (https, no metadata or link-local host, private only when allowed), except that a query string
 * is the webhook's own (nothing is appended to it); names are unique (delivery job ids use them).
 */
function checkWebhooks(notifications: NotificationsConfig, outbound: OutboundPolicy): ConfigIssue[] {
  const issues = unique(notifications.webhooks, ['notifications', 'webhooks'], 'name', (w) => w.name, (name) => `duplicate webhook name "${name}"`);
  notifications.webhooks.forEach((webhook, i) => {
    const refused = refuseWebhookUrl(webhook.url, outbound);
    if (refused !== undefined) issues.push({ path: ['notifications', 'webhooks', i, 'url'], message: refused });
    issues.push(...unique(webhook.events, ['notifications', 'webhooks', i, 'events'], undefined, (e) => e, (e) => `duplicate event "${e}"`));
  });
  return issues;
}

function checkTimeouts(timeouts: RoutingTimeouts): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (timeouts.firstTokenMs > timeouts.totalMs) {
    issues.push({ path: ['routing', 'timeouts', 'firstTokenMs'], message: `must not exceed totalMs (${timeouts.totalMs})` });
  }
  if (timeouts.connectMs > timeouts.firstTokenMs) {
    issues.push({ path: ['routing', 'timeouts', 'connectMs'], message: `must not exceed firstTokenMs (${timeouts.firstTokenMs})` });
  }
  return issues;
}

/** Where a provider sends requests and which keys it reads, under the process's outbound policy. */
function checkOutbound(provider: ProviderConfig, path: readonly PropertyKey[], outbound: OutboundPolicy): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const url = refuseBaseUrl(provider.baseUrl, outbound);
  if (url !== undefined) issues.push({ path: [...path, 'baseUrl'], message: url });
  provider.apiKeys.forEach((ref, j) => {
    const key = refuseUpstreamKeyRef(ref, outbound.envPrefix);
    if (key !== undefined) issues.push({ path: [...path, 'apiKeys', j], message: key });
  });
  return issues;
}

/** `options.vendor` picks among openai-compatible profiles; on other types it would be ignored. */
function checkVendor(provider: ProviderConfig, path: readonly PropertyKey[]): ConfigIssue[] {
  const vendor = provider.options?.['vendor'];
  if (vendor === undefined || provider.type === 'openai-compatible') return [];
  return [{ path: [...path, 'options', 'vendor'], message: `only openai-compatible providers take a vendor profile; type ${provider.type} has its own` }];
}

// The Responses API is OpenAI's and Azure's (Azure: the v1 API, or dated versions from
// 2025-03-01-preview on); OpenAI-compatible servers are spoken to in Chat Completions.
const RESPONSES_TYPES: ReadonlySet<string> = new Set(['openai', 'azure-openai']);
const AZURE_FIRST_RESPONSES_VERSION = '2025-03-01';

/** `options.api: responses` only where the Responses API exists; `reasoningSummary` only with it. */
function checkApi(provider: ProviderConfig, path: readonly PropertyKey[]): ConfigIssue[] {
  const api = provider.options?.['api'];
  const at = [...path, 'options'];
  if (api !== 'responses') {
    return provider.options?.['reasoningSummary'] === undefined ? [] : [{ path: [...at, 'reasoningSummary'], message: 'only applies with api: responses' }];
  }
  if (!RESPONSES_TYPES.has(provider.type)) return [{ path: [...at, 'api'], message: `the Responses API is only spoken to openai and azure-openai providers, not ${provider.type}` }];
  const version = provider.options?.['apiVersion'];
  if (provider.type === 'azure-openai' && typeof version === 'string' && version !== 'v1' && version < AZURE_FIRST_RESPONSES_VERSION) {
    return [{ path: [...at, 'apiVersion'], message: `Azure api-version ${version} has no Responses API: use v1, or ${AZURE_FIRST_RESPONSES_VERSION}-preview or later` }];
  }
  return [];
}

function checkModel(model: ModelConfig, path: readonly PropertyKey[], declared: Declared): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  model.deployments.forEach((deployment, j) => {
    if (!declared.providers.has(deployment.provider)) {
      issues.push({ path: [...path, 'deployments', j, 'provider'], message: `unknown provider "${deployment.provider}"` });
    }
  });
  issues.push(
    ...unique(
      model.deployments,
      [...path, 'deployments'],
      undefined,
      (deployment) => JSON.stringify([deployment.provider, deployment.model]),
      (_, deployment) => `duplicate deployment of "${deployment.model}" on provider "${deployment.provider}"`,
    ),
  );
  model.fallbacks.forEach((fallback, j) => {
    if (fallback === model.name) {
      issues.push({ path: [...path, 'fallbacks', j], message: 'a model cannot fall back to itself' });
    } else if (!declared.models.has(fallback)) {
      issues.push({ path: [...path, 'fallbacks', j], message: `unknown model "${fallback}"` });
    }
  });
  issues.push(...unique(model.fallbacks, [...path, 'fallbacks'], undefined, (f) => f, (f) => `duplicate fallback "${f}"`));
  const big = model.contextFallback;
  if (big !== undefined) {
    if (big === model.name) issues.push({ path: [...path, 'contextFallback'], message: 'a model cannot fall back to itself' });
    else if (!declared.models.has(big)) issues.push({ path: [...path, 'contextFallback'], message: `unknown model "${big}"` });
    if (model.contextWindow === undefined) issues.push({ path: [...path, 'contextFallback'], message: 'needs contextWindow: the prompt size that sends a request to it' });
  }
  return issues;
}

/** A key identifies exactly one tenant, so a reference may appear only once in the whole file. */
function checkKeyRefs(tenants: readonly TenantConfig[]): ConfigIssue[] {
  const first = new Map<string, PropertyKey[]>();
  const issues: ConfigIssue[] = [];
  tenants.forEach((tenant, i) =>
    tenant.keys.forEach(({ key }, j) => {
      const path = ['tenants', i, 'keys', j, 'key'];
      const seen = first.get(key);
      if (seen === undefined) first.set(key, path);
      else issues.push({ path, message: `duplicate key ${describeSecretRef(key)} (first at ${formatPath(seen)})` });
    }),
  );
  return issues;
}

/**
 * A request is served only from a region both the key and its tenant allow, so a key region the
 * tenant does not list can never be used: almost certainly a typo, or a tenant list that moved on.
 */
function checkKeyRegions(tenant: TenantConfig, path: readonly PropertyKey[]): ConfigIssue[] {
  const allowed = tenant.regions ?? [];
  if (allowed.length === 0) return [];
  return tenant.keys.flatMap((key, j) =>
    (key.regions ?? []).flatMap((region, k) =>
      allowed.includes(region)
        ? []
        : [{ path: [...path, 'keys', j, 'regions', k], message: `region "${region}" is not one of the tenant's regions (${allowed.join(', ')})` }],
    ),
  );
}

/**
 * One issue per repeated item, at the repeat, pointing back to the first occurrence. `field`
 * names the property that repeats (`providers[1].id`); without it the item itself is the
 * value (`fallbacks[2]`). Items whose key is undefined (an unnamed key) are not compared.
 */
function unique<T>(
  items: readonly T[],
  path: readonly PropertyKey[],
  field: string | undefined,
  keyOf: (item: T) => string | undefined,
  message: (key: string, item: T) => string,
): ConfigIssue[] {
  const first = new Map<string, number>();
  const issues: ConfigIssue[] = [];
  items.forEach((item, index) => {
    const key = keyOf(item);
    if (key === undefined) return;
    const seen = first.get(key);
    if (seen === undefined) {
      first.set(key, index);
      return;
    }
    const at = field === undefined ? [...path, index] : [...path, index, field];
    issues.push({ path: at, message: `${message(key, item)} (first at ${formatPath([...path, seen])})` });
  });
  return issues;
}
