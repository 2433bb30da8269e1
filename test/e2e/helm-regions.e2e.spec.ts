import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CHART, type Container, helm, ofKind, plainEnv, render, runHelm, valuesPath, workloads } from './support/helm-chart';
import { appName } from './support/helm-wiring';
import { createTestDatabase } from './support/postgres-harness';
import { runApp } from './support/process-harness';

// The chart's multi-region settings (docs/architecture.md §4 and §6, Regions; §10): the peers of
// switchyard.yaml's `region` section with their link secrets, the read replica, budgets across
// regions, and the two-region examples of deploy/examples that use them all.

const template = (file: string, set: string[]) => runHelm(['template', 'sy', CHART, '-f', valuesPath(file), ...set.flatMap((s) => ['--set', s])]);
/** The rendered switchyard.yaml of a values file: the text the hook Job applies. */
const switchyardYaml = (file: string): string => ofKind(render([valuesPath(file)]), 'ConfigMap').find((c) => c.metadata.name.endsWith('-config'))?.data?.['switchyard.yaml'] ?? '';
const catalogue = (text: string) => {
  const { providers, models, tenants } = parseYaml(text) as Record<string, unknown>;
  return { providers, models, tenants };
};
// Both regions apply to the one shared Postgres with configOwnership: file, so what one region's
// file leaves out the other's apply deletes: the two files of a pair must carry one catalogue.
const PAIRS = [['examples/region-a', 'examples/region-b'], ['region-eu-west', 'region-us-east']] as const;
const PEER = ['config.server.region=eu-west', 'config.region.peers[0].name=us-east', 'config.region.peers[0].url=https://us-east.gw.example.com'];

describe('Helm chart across regions', () => {
  beforeAll(() => {
    helm();
  });

  it('wires the two example regions to each other: peers at the other\'s URL with one link secret, a replica each, half the budget each', () => {
    const [a, b] = (['examples/region-a', 'examples/region-b'] as const).map((f) => {
      const objects = render([valuesPath(f)]);
      const [config] = ofKind(objects, 'ConfigMap').filter((c) => c.metadata.name.endsWith('-config'));
      const region = (parseYaml(config?.data?.['switchyard.yaml'] ?? '') as { server: { region: string }; region: { spillover: { enabled: boolean }; peers: { name: string; url: string; credential: string }[] } });
      const ws = workloads(objects);
      const of = (app: string) => ws.find((w) => appName(w.container) === app)?.container as Container;
      const ref = (c: Container, name: string) => c.env?.find((e) => e.name === name)?.valueFrom?.secretKeyRef;
      const [peer] = region.region.peers;
      const policy = (ofKind(objects, 'NetworkPolicy') as unknown as { metadata: { name: string }; spec: { egress?: { to?: unknown[]; ports?: { port: number }[] }[] } }[]).find((p) => p.metadata.name === 'sy-switchyard-ingress');
      return {
        name: region.server.region,
        env: plainEnv(of('ingress'), 'SWITCHYARD_REGION'),
        spillover: region.region.spillover.enabled,
        peer,
        link: ref(of('ingress'), peer?.credential.slice(4) ?? ''),
        replica: [ref(of('auth'), 'DATABASE_READ_URL'), ref(of('router'), 'DATABASE_READ_URL')],
        budget: [plainEnv(of('auth'), 'SWITCHYARD_BUDGET_MODE'), plainEnv(of('auth'), 'SWITCHYARD_BUDGET_SHARE_PERCENT')],
        // Billing publishes the allowances; auth reads its own region's by name.
        rebalance: [plainEnv(of('billing'), 'SWITCHYARD_BUDGET_REBALANCE_MS'), plainEnv(of('billing'), 'SWITCHYARD_BUDGET_REGIONS'), plainEnv(of('auth'), 'SWITCHYARD_REGION')],
        peerEgress: (policy?.spec.egress ?? []).some((r) => r.to === undefined && (r.ports ?? []).some((x) => x.port === 443)),
      };
    });
    expect([a?.name, b?.name]).toEqual([a?.env, b?.env]);
    expect(a?.peer).toMatchObject({ name: b?.name, url: `https://${b?.name}.gw.example.com` });
    expect(b?.peer).toMatchObject({ name: a?.name, url: `https://${a?.name}.gw.example.com` });
    // One link, one secret: the same Secret and key on both sides.
    expect(a?.link).toEqual({ name: 'switchyard-peer-links', key: 'SWITCHYARD_PEER_EU_WEST_1_US_EAST_1' });
    expect(b?.link).toEqual(a?.link);
    expect(a?.replica).toEqual([{ name: 'switchyard-db-replica-eu-west-1', key: 'DATABASE_READ_URL' }, { name: 'switchyard-db-replica-eu-west-1', key: 'DATABASE_READ_URL' }]);
    expect(b?.replica[0]?.name).toBe('switchyard-db-replica-us-east-1');
    for (const r of [a, b]) expect({ spillover: r?.spillover, budget: r?.budget, peerEgress: r?.peerEgress }).toEqual({ spillover: true, budget: ['share', '50'], peerEgress: true });
    expect(a?.rebalance).toEqual(['30000', `${a?.name},${b?.name}`, a?.name]);
    expect(b?.rebalance).toEqual(['30000', `${a?.name},${b?.name}`, b?.name]);
  });

  it.each(PAIRS)('renders one catalogue (providers, models, tenants) for %s and %s, each regional deployment in both', (a, b) => {
    const [ca, cb] = [a, b].map((f) => catalogue(switchyardYaml(f)));
    expect(ca).toEqual(cb);
    // Every provider carries its region (one without serves no tenant that lists regions), both regions present.
    const regions = (ca?.providers as { region?: string }[]).map((p) => p.region);
    expect(regions).not.toContain(undefined);
    expect(new Set(regions).size).toBe(2);
  });

  it.each(PAIRS)('applies %s then %s to one Postgres: the second apply removes nothing', async (a, b) => {
    const db = await createTestDatabase('helm_regions');
    const scratch = mkdtempSync(join(tmpdir(), 'sy-helm-regions-'));
    try {
      const files = [a, b].map((f, i) => {
        const path = join(scratch, `region-${i}.yaml`);
        writeFileSync(path, switchyardYaml(f));
        return path;
      });
      const secret = 'link-secret-0123456789abcdef0123456789abcdef';
      const env = {
        DATABASE_URL: db.url,
        SWITCHYARD_DATA_DIR: scratch,
        ACME_KEY: 'sk-acme-helm-regions-0123456789abcdef0123',
        ...Object.fromEntries(['SWITCHYARD_PEER_EU_WEST_1_US_EAST_1', 'SWITCHYARD_PEER_US_EAST', 'SWITCHYARD_PEER_EU_WEST'].map((n) => [n, secret])),
      };
      const first = await runApp('standalone', env, ['apply', '-f', files[0] ?? '']);
      expect(first).toMatch(/^\+ deployment gpt-4o-mini\//m);
      const second = await runApp('standalone', env, ['apply', '-f', files[1] ?? '', '--dry-run']);
      expect(second.split('\n').filter((l) => l.startsWith('- '))).toEqual([]);
      expect(second).toMatch(/^0 changes \(dry run\)/m);
    } finally {
      await db.drop();
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses a peer link secret the values do not provide, one written into switchyard.yaml, and one shorter than the ingress accepts', () => {
    const missing = template('defaults', [...PEER, 'config.region.peers[0].credential=env:SWITCHYARD_PEER_US']);
    expect(missing.stderr).toContain('config.region.peers references env:SWITCHYARD_PEER_US: set peerSecrets.values.SWITCHYARD_PEER_US or peerSecrets.existingSecret');
    const literal = template('defaults', [...PEER, `config.region.peers[0].credential=${'s'.repeat(40)}`]);
    expect(literal.stderr).toContain('config.region.peers[].credential: write link secrets as env:NAME references');
    const ref = [...PEER, 'config.region.peers[0].credential=env:SWITCHYARD_PEER_US'];
    expect(template('defaults', [...ref, 'peerSecrets.values.SWITCHYARD_PEER_US=short']).stderr).toContain("at '/peerSecrets/values/SWITCHYARD_PEER_US': minLength: got 5, want 32");
    expect(template('defaults', [...ref, `peerSecrets.values.SWITCHYARD_PEER_US=${'s'.repeat(32)}`]).status).toBe(0);
    expect(template('defaults', [...ref, 'peerSecrets.existingSecret=links']).status).toBe(0);
  });

  it('refuses global budgets without the global quota Redis, a share in global mode, and an unknown mode', () => {
    expect(template('defaults', ['settings.budget.mode=global']).stderr).toContain('set quotaRedis.url or quotaRedis.existingSecret');
    expect(template('defaults', ['settings.budget.mode=global', 'quotaRedis.url=redis://q:6379/0', 'settings.budget.sharePercent=50']).stderr).toContain('settings.budget.sharePercent applies to settings.budget.mode share only');
    expect(template('defaults', ['settings.budget.mode=global', 'quotaRedis.url=redis://q:6379/0']).status).toBe(0);
    expect(template('defaults', ['settings.budget.mode=split']).stderr).toContain("at '/settings/budget/mode'");
    expect(template('defaults', ['settings.budget.sharePercent=0']).stderr).toContain("at '/settings/budget/sharePercent'");
  });

  it('refuses rebalancing without the list of regions, in global mode, and more often than once a second', () => {
    expect(template('defaults', ['settings.budget.rebalanceMs=30000']).stderr).toContain('settings.budget.rebalanceMs needs settings.budget.regions');
    expect(template('defaults', ['settings.budget.rebalanceMs=30000', 'settings.budget.regions={a,b}', 'settings.budget.mode=global', 'quotaRedis.url=redis://q:6379/0']).stderr).toContain('settings.budget.rebalanceMs applies to settings.budget.mode share only');
    expect(template('defaults', ['settings.budget.rebalanceMs=500', 'settings.budget.regions={a,b}']).stderr).toContain("at '/settings/budget/rebalanceMs'");
    expect(template('defaults', ['settings.budget.rebalanceMs=30000', 'settings.budget.regions={a,b}']).status).toBe(0);
  });

  it('lets the datastore egress reach the ports of the replica and the global quota Redis when they are set', () => {
    const ports = (set: string[]) => {
      const policies = ofKind(render([valuesPath('defaults')], set), 'NetworkPolicy') as unknown as { metadata: { name: string }; spec: { egress?: { to?: unknown[]; ports?: { port: number }[] }[] } }[];
      const auth = policies.find((p) => p.metadata.name === 'sy-switchyard-auth');
      return (auth?.spec.egress ?? []).filter((r) => r.to === undefined).flatMap((r) => (r.ports ?? []).map((x) => x.port)).sort((x, y) => x - y);
    };
    expect(ports([])).toEqual([5432, 6379]);
    expect(ports(['databaseRead.url=postgresql://u:p@replica:6432/sy', 'settings.budget.mode=global', 'quotaRedis.url=rediss://quota:6390/0'])).toEqual([5432, 6379, 6390, 6432]);
  });
});
