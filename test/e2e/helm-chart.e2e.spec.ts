import { gatewaySettingNames, parseConfig, switchyardEnvSchema } from '@switchyard/config';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { CHART, type Container, type K8sObject, NAMESPACE, VALUES_FILES, appOf, envNames, helm, ofKind, parseObjects, plainEnv, render, renderText, runHelm, validateManifests, valuesPath, workloads } from './support/helm-chart';
import { GRPC_SERVICE_OF, HEALTH_PATHS, SAMPLE_SECRET, SECRETS_READ, type Values, appName, filesBucketKeysOf, appsReadingConfig, peerSecretsOf, requiredEnv, resolvedEnv, tenantKeysOf, upstreamKeysOf, valuesOf, webhookSecretsOf } from './support/helm-wiring';
import { ROOT } from './support/process-harness';

// The chart rendered for each kind of install (ci/*-values.yaml), checked object by object:
// Kubernetes' schemas, then the wiring — what each process is given against what it reads.

describe('Helm chart deploy/helm/switchyard', () => {
  beforeAll(() => {
    helm();
  });

  it.each(VALUES_FILES)('passes helm lint --strict with %s values', (file) => {
    const r = runHelm(['lint', '--strict', CHART, '-f', valuesPath(file)]);
    expect(r.stderr + r.stdout).toContain('0 chart(s) failed');
    expect(r.status).toBe(0);
  });

  it.each(VALUES_FILES)('renders only objects valid against the Kubernetes schemas with %s values', (file) => {
    const results = validateManifests(renderText([valuesPath(file)]));
    expect(results.filter((r) => r.errors.length > 0)).toEqual([]);
    expect(results.length).toBeGreaterThan(10);
  });

  it('finds errors with the same validator (a wrong type is not waved through)', () => {
    const bad = 'apiVersion: v1\nkind: Service\nmetadata: { name: x }\nspec: { ports: [{ port: "eighty" }] }\n---\napiVersion: example.com/v1\nkind: Gizmo\nmetadata: { name: y }\n';
    const results = validateManifests(bad);
    expect(results.map((r) => r.errors.length > 0)).toEqual([true, true]);
    expect(results[1]?.errors[0]).toContain('no schema known');
  });

  it('refuses wrong types, unknown keys and a missing database through values.schema.json and the templates', () => {
    const fails = (set: string[]) => runHelm(['template', 'sy', CHART, '-f', valuesPath('defaults'), ...set.flatMap((s) => ['--set', s])]);
    expect(fails(['auth.replicaCount=two']).stderr).toContain("at '/auth/replicaCount'");
    expect(fails(['router.unknownKey=1']).stderr).toContain("additional properties 'unknownKey' not allowed");
    expect(fails(['nope=1']).stderr).toContain("additional properties 'nope' not allowed");
    expect(fails(['topology=mesh']).stderr).toContain("at '/topology'");
    expect(fails(['adapter.families={openai,cohere}']).stderr).toContain("at '/adapter/families/1'");
    expect(fails(['logLevel=verbose']).status).not.toBe(0);
    const noDb = runHelm(['template', 'sy', CHART, '--set', 'redis.url=redis://r:6379']);
    expect(noDb.stderr).toContain('database.url or database.existingSecret is required');
    const missingKey = fails(['config.providers[0].id=p', 'config.providers[0].type=gemini', 'config.providers[0].apiKeys[0]=env:SWITCHYARD_UPSTREAM_G']);
    expect(missingKey.stderr).toContain('set upstreamKeys.values.SWITCHYARD_UPSTREAM_G or upstreamKeys.existingSecret');
    const badPrefix = fails(['config.providers[0].id=p', 'config.providers[0].type=gemini', 'config.providers[0].apiKeys[0]=env:DATABASE_URL', 'upstreamKeys.values.DATABASE_URL=x']);
    expect(badPrefix.stderr).toContain('does not start with settings.outbound.envPrefix');
    const literalKey = fails(['config.providers[0].id=p', 'config.providers[0].type=openai', 'config.providers[0].apiKeys[0]=sk-literal']);
    expect(literalKey.stderr).toContain('write upstream keys as env:NAME references');
    const literalTenantKey = fails(['config.tenants[0].id=t', 'config.tenants[0].keys[0].key=sk-literal-tenant-key-0123456789abcdef']);
    expect(literalTenantKey.stderr).toContain('write tenant keys as env:NAME references');
  });

  describe.each(VALUES_FILES)('wiring with %s values', (file) => {
    let objects: K8sObject[];
    let values: Values;
    beforeAll(() => {
      objects = render([valuesPath(file)]);
      values = valuesOf(file);
    });

    it('gives every component gRPC addresses of headless Services the chart renders, on the port the callee serves', () => {
      const services = ofKind(objects, 'Service');
      const deployments = ofKind(objects, 'Deployment');
      const addresses = workloads(objects).flatMap(({ container }) => [
        ...['AUTH_GRPC_URL', 'ROUTER_GRPC_URL', 'BILLING_GRPC_URL'].map((n) => plainEnv(container, n)).filter((a): a is string => a !== undefined),
        ...(plainEnv(container, 'ADAPTER_GRPC_URLS')?.split(',').map((e) => e.split('=')[1] ?? '') ?? []),
      ]);
      if (values.config.providers !== undefined && file !== 'combined') expect(addresses.length).toBeGreaterThanOrEqual(3);
      for (const address of addresses) {
        const m = /^dns:\/\/\/([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local:(\d+)$/.exec(address);
        expect(m).not.toBeNull();
        const [, name, ns, port] = m as RegExpExecArray;
        expect(ns).toBe(NAMESPACE);
        const service = services.find((s) => s.metadata.name === name);
        expect(service).toBeDefined();
        expect(service?.spec?.clusterIP).toBe('None');
        const servicePort = service?.spec?.ports?.find((p) => p.port === Number(port));
        expect(servicePort?.name).toBe('grpc');
        const selector = service?.spec?.selector ?? {};
        const targets = deployments.filter((d) => Object.entries(selector).every(([k, v]) => d.spec?.template?.metadata?.labels?.[k] === v));
        expect(targets).toHaveLength(1);
        const [target] = workloads(targets);
        const containerPort = target?.container.ports?.find((p) => p.name === servicePort?.targetPort)?.containerPort;
        expect(String(containerPort)).toBe(plainEnv(target?.container as Container, 'GRPC_PORT'));
      }
    });

    it('points every probe at a port and path or gRPC service the app serves', () => {
      for (const { obj, container } of workloads(objects).filter((w) => w.obj.kind === 'Deployment')) {
        const app = appName(container);
        const portOf = (p: number | string) => (typeof p === 'number' ? p : container.ports?.find((cp) => cp.name === p)?.containerPort);
        const probes = [container.startupProbe, container.livenessProbe, container.readinessProbe];
        expect(probes.every((p) => p !== undefined)).toBe(true);
        if (app === 'ingress' || app === 'standalone') {
          for (const p of probes) {
            expect(HEALTH_PATHS).toContain(p?.httpGet?.path);
            expect(String(portOf(p?.httpGet?.port ?? -1))).toBe(plainEnv(container, 'PORT'));
          }
          expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
        } else {
          expect(container.readinessProbe?.grpc?.service).toBe(GRPC_SERVICE_OF[app]);
          expect(String(container.readinessProbe?.grpc?.port)).toBe(plainEnv(container, 'GRPC_PORT'));
          for (const p of [container.startupProbe, container.livenessProbe]) expect(String(portOf(p?.tcpSocket?.port ?? -1))).toBe(plainEnv(container, 'GRPC_PORT'));
        }
        expect(obj.metadata.name).toContain(app === 'adapter' ? `adapter-${plainEnv(container, 'ADAPTER_PROVIDER')}` : app);
      }
    });

    it('sets every variable each app reads, each a gateway setting or a key the config references, all valid for the env schema', () => {
      const settings = new Set(gatewaySettingNames());
      const keys = new Set([...upstreamKeysOf(values), ...tenantKeysOf(values), ...webhookSecretsOf(values), ...peerSecretsOf(values), ...filesBucketKeysOf(values)]);
      for (const { obj, container } of workloads(objects)) {
        const app = appName(container);
        const names = envNames(container);
        expect({ workload: obj.metadata.name, missing: requiredEnv(app, container, values).filter((n) => !names.includes(n)) }).toEqual({ workload: obj.metadata.name, missing: [] });
        expect(names.filter((n) => !settings.has(n) && !keys.has(n) && !n.startsWith('OTEL_'))).toEqual([]);
        expect(new Set(names).size).toBe(names.length);
        expect(container.envFrom).toBeUndefined();
        const parsed = switchyardEnvSchema.safeParse(resolvedEnv(container, objects));
        expect({ workload: obj.metadata.name, issues: parsed.success ? [] : parsed.error.issues }).toEqual({ workload: obj.metadata.name, issues: [] });
        if (values.otel.enabled && app !== 'standalone apply') expect(plainEnv(container, 'OTEL_SERVICE_NAME')).toMatch(/^switchyard-/);
      }
    });

    it('gives no component a secret it does not read, and each adapter only its own family\'s upstream keys', () => {
      for (const { obj, container, pod } of workloads(objects)) {
        const app = appName(container);
        const fromSecrets = (container.env ?? []).filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.name);
        const allowed = [
          ...(SECRETS_READ[app] ?? []),
          ...(app === 'adapter' ? upstreamKeysOf(values, plainEnv(container, 'ADAPTER_PROVIDER')) : []),
          ...(app === 'standalone' ? [...upstreamKeysOf(values), ...tenantKeysOf(values), ...webhookSecretsOf(values), ...peerSecretsOf(values)] : []),
          ...(app === 'ingress' ? peerSecretsOf(values) : []),
          ...(app === 'billing' ? webhookSecretsOf(values) : []),
          ...(app === 'standalone apply' ? tenantKeysOf(values) : []),
          // The files bucket's key: the processes that store or read files.
          ...(['ingress', 'billing', 'standalone'].includes(app) ? filesBucketKeysOf(values) : []),
        ];
        expect({ workload: obj.metadata.name, extra: fromSecrets.filter((n) => !allowed.includes(n)) }).toEqual({ workload: obj.metadata.name, extra: [] });
        // Nothing secret travels as a plain value, and no Secret is mounted as files.
        for (const name of [...Object.keys(SAMPLE_SECRET), ...upstreamKeysOf(values), ...tenantKeysOf(values), ...webhookSecretsOf(values), ...peerSecretsOf(values)]) expect(plainEnv(container, name)).toBeUndefined();
        expect((pod.volumes ?? []).filter((v) => v.secret !== undefined)).toEqual([]);
      }
    });

    it('renders Secrets holding only entries some workload reads, and refers only to entries they hold', () => {
      const refs = workloads(objects).flatMap(({ container }) => (container.env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef] : [])));
      for (const secret of ofKind(objects, 'Secret')) {
        const read = new Set(refs.filter((r) => r.name === secret.metadata.name).map((r) => r.key));
        expect({ secret: secret.metadata.name, keys: Object.keys(secret.data ?? {}).sort() }).toEqual({ secret: secret.metadata.name, keys: [...read].sort() });
      }
    });

    it('mounts a switchyard.yaml the gateway accepts at SWITCHYARD_CONFIG in every component whose app reads it, and nowhere else', () => {
      const [config] = ofKind(objects, 'ConfigMap').filter((c) => c.metadata.name.endsWith('-config'));
      const text = config?.data?.['switchyard.yaml'] ?? '';
      expect(() => parseConfig(text, 'switchyard.yaml', { outbound: { envPrefix: 'SWITCHYARD_UPSTREAM_', allowHttp: false, allowPrivate: true } })).not.toThrow();
      const readers = appsReadingConfig();
      expect(readers).toEqual(['auth', 'billing', 'ingress', 'router', 'standalone']);
      for (const { obj, container, pod } of workloads(objects)) {
        const app = appName(container);
        const path = app === 'standalone apply' ? appOf(container).args[2] : plainEnv(container, 'SWITCHYARD_CONFIG');
        const mount = path === undefined ? undefined : container.volumeMounts?.find((m) => path.startsWith(`${m.mountPath}/`));
        const volume = pod.volumes?.find((v) => v.name === mount?.name);
        const mounted = { workload: obj.metadata.name, configMap: volume?.configMap?.name, file: path?.slice((mount?.mountPath.length ?? 0) + 1) };
        if (readers.includes(app.split(' ')[0] ?? '')) {
          expect(ofKind(objects, 'ConfigMap').map((c) => c.metadata.name)).toContain(mounted.configMap);
          expect(mounted.file).toBe('switchyard.yaml');
        } else {
          expect(mounted).toEqual({ workload: obj.metadata.name, configMap: undefined, file: undefined });
          expect((pod.volumes ?? []).filter((v) => v.configMap !== undefined)).toEqual([]);
        }
      }
    });

    it('runs every pod locked down: non-root, read-only root, no capabilities, RuntimeDefault seccomp, no service account token', () => {
      for (const { pod, container } of workloads(objects)) {
        expect(pod.automountServiceAccountToken).toBe(false);
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
        expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      }
      for (const sa of ofKind(objects, 'ServiceAccount')) expect((sa as unknown as { automountServiceAccountToken: boolean }).automountServiceAccountToken).toBe(false);
    });

    it('lets in from anywhere only the HTTP edge, and lets out to upstreams only adapters (or the standalone app), to webhooks only billing, to peer regions only the edge, to a files bucket only the edge and billing', () => {
      const policies = ofKind(objects, 'NetworkPolicy') as unknown as { metadata: { name: string }; spec: { podSelector: { matchLabels: Record<string, string> }; ingress?: { from?: unknown[]; ports?: { port: number }[] }[]; egress?: { to?: unknown[]; ports?: { port: number }[] }[] } }[];
      expect(policies.length).toBeGreaterThan(1);
      const metricsPort = values.metrics.enabled ? 9090 : -1;
      for (const p of policies) {
        const component = p.spec.podSelector.matchLabels['app.kubernetes.io/component'];
        const open = (p.spec.ingress ?? []).filter((r) => r.from === undefined && !(r.ports ?? []).every((port) => port.port === metricsPort));
        if (open.length > 0) expect(['ingress', 'standalone']).toContain(component);
        const upstream = (p.spec.egress ?? []).filter((r) => r.to === undefined && (r.ports ?? []).some((port) => port.port === 443));
        // Billing delivers the notifications' webhooks, and only when the config declares some.
        const webhooks = (values.config.notifications?.webhooks ?? []).length > 0;
        // The ingress forwards spilled requests to the peer regions, and only when the config declares some.
        const peers = peerSecretsOf(values).length > 0;
        // The ingress and billing store and read files in the bucket, when the files are in one.
        const bucket = values.settings.files.store === 's3';
        if (upstream.length > 0) expect({ component, out: component === 'standalone' || component?.startsWith('adapter-') || (component === 'billing' && (webhooks || bucket)) || (component === 'ingress' && (peers || bucket)) }).toEqual({ component, out: true });
        if (component === 'billing') expect(upstream.length > 0).toBe(webhooks || bucket);
        if (component === 'ingress') expect(upstream.length > 0).toBe(peers || bucket);
      }
    });
  });

  it('lets gRPC through the NetworkPolicies from each process to every service it dials (billing\'s batch worker to auth and the router included), both ways', () => {
    type Rule = { to?: { podSelector?: { matchLabels: Record<string, string> } }[]; from?: { podSelector?: { matchLabels: Record<string, string> } }[]; ports?: { port: number }[] };
    const objects = render([valuesPath('ha')]);
    const policies = ofKind(objects, 'NetworkPolicy') as unknown as { spec: { podSelector: { matchLabels: Record<string, string> }; ingress?: Rule[]; egress?: Rule[] } }[];
    const policyOf = (component: string) => policies.find((p) => p.spec.podSelector.matchLabels['app.kubernetes.io/component'] === component);
    const peers = (rules: Rule[] | undefined, side: 'to' | 'from', port: number) => (rules ?? []).filter((r) => (r.ports ?? []).some((x) => x.port === port)).flatMap((r) => (r[side] ?? []).map((x) => x.podSelector?.matchLabels['app.kubernetes.io/component']));
    const dials: string[] = [];
    for (const { obj, container } of workloads(objects)) {
      const caller = obj.metadata.name.replace(/^sy-switchyard-/, '');
      for (const e of container.env ?? []) {
        if (!/_GRPC_URLS?$/.test(e.name)) continue;
        for (const [, name, port] of (e.value ?? '').matchAll(/dns:\/\/\/sy-switchyard-([a-z-]+)\.[^:]+:(\d+)/g)) {
          dials.push(`${caller}->${name}`);
          expect({ caller, callee: name, egress: peers(policyOf(caller)?.spec.egress, 'to', Number(port)).includes(name) }).toEqual({ caller, callee: name, egress: true });
          expect({ caller, callee: name, ingress: peers(policyOf(name as string)?.spec.ingress, 'from', Number(port)).includes(caller) }).toEqual({ caller, callee: name, ingress: true });
        }
      }
    }
    expect(dials).toEqual(expect.arrayContaining(['ingress->auth', 'ingress->router', 'billing->auth', 'billing->router', 'router->adapter-openai']));
  });

  it('renders empty datastore and upstream egress lists as no such egress (found by a new operator: `[]` broke the YAML)', () => {
    const empty = join(mkdtempSync(join(tmpdir(), 'sy-helm-egress-')), 'values.yaml');
    writeFileSync(empty, 'networkPolicy: { datastoreEgress: [], upstreamEgress: [] }\n');
    const objects = parseObjects(renderText([valuesPath('defaults'), empty]));
    const policies = ofKind(objects, 'NetworkPolicy') as unknown as { spec: { egress?: { ports?: { port: number }[] }[] } }[];
    expect(policies.length).toBeGreaterThan(1);
    const ports = policies.flatMap((p) => (p.spec.egress ?? []).flatMap((r) => (r.ports ?? []).map((x) => x.port)));
    expect(ports).not.toContain(5432);
    expect(ports).not.toContain(6379);
    expect(ports).not.toContain(443);
  });

  it('rolls on a Secret change only the Deployments that read the changed entry', () => {
    const templates = (set: string[]) => Object.fromEntries(ofKind(render([valuesPath('ha')], set), 'Deployment').map((d) => [d.metadata.name, JSON.stringify(d.spec?.template)]));
    const before = templates([]);
    const rolled = (set: string[]) => {
      const after = templates(set);
      return Object.keys(before).filter((n) => after[n] !== before[n]).sort();
    };
    // A tenant key is read only by `switchyard apply` (the hook Job): no Deployment rolls.
    expect(rolled(['tenantKeys.values.ACME_KEY=sk-acme-rotated-0123456789abcdef0123456789'])).toEqual([]);
    expect(rolled(['upstreamKeys.values.SWITCHYARD_UPSTREAM_ANTHROPIC_KEY=sk-ant-rotated'])).toEqual(['sy-switchyard-adapter-anthropic']);
    expect(rolled(['webhookSecrets.values.ONCALL_WEBHOOK_SECRET=whsec-rotated'])).toEqual(['sy-switchyard-billing']);
    expect(rolled(['redis.url=redis://redis-2.data.svc:6379/0'])).toEqual(['sy-switchyard-auth', 'sy-switchyard-billing', 'sy-switchyard-ingress', 'sy-switchyard-router']);
    expect(rolled(['adminToken.value=admin-token-rotated-0123456789abcdef01234'])).toEqual(['sy-switchyard-ingress']);
    // The replica is read by auth, the router and the ingress (its copy of the keys); the global quota Redis by auth alone.
    expect(rolled(['databaseRead.url=postgresql://switchyard:pw@replica-2.data.svc:5432/switchyard'])).toEqual(['sy-switchyard-auth', 'sy-switchyard-ingress', 'sy-switchyard-router']);
    expect(rolled(['quotaRedis.url=redis://quota.data.svc:6379/0'])).toEqual(['sy-switchyard-auth']);
    // A peer's link secret rolls the ingress alone.
    const peer = ['config.server.region=eu-west', 'config.region.peers[0].name=us-east', 'config.region.peers[0].url=https://us.example.com', 'config.region.peers[0].credential=env:SWITCHYARD_PEER_US'];
    const withPeer = templates([...peer, `peerSecrets.values.SWITCHYARD_PEER_US=${'l'.repeat(32)}`]);
    const peerRotated = templates([...peer, `peerSecrets.values.SWITCHYARD_PEER_US=${'m'.repeat(32)}`]);
    expect(Object.keys(withPeer).filter((n) => withPeer[n] !== peerRotated[n])).toEqual(['sy-switchyard-ingress']);
  });

  it('allows egress to the Postgres and Redis ports of inline URLs (each libpq host), else the defaults, else the ports set in values', () => {
    const datastorePorts = (objects: K8sObject[]) => {
      const policies = ofKind(objects, 'NetworkPolicy') as unknown as { metadata: { name: string }; spec: { egress?: { to?: unknown[]; ports?: { port: number }[] }[] } }[];
      const byPolicy = policies.map((p) => [p.metadata.name, (p.spec.egress ?? []).filter((r) => r.to === undefined).flatMap((r) => (r.ports ?? []).map((x) => x.port)).filter((port) => port !== 53 && port !== 443)] as const);
      return Object.fromEntries(byPolicy.filter(([, ports]) => ports.length > 0).map(([name, ports]) => [name, [...ports].sort((a, b) => a - b)]));
    };
    const urls = join(mkdtempSync(join(tmpdir(), 'sy-helm-ports-')), 'values.yaml');
    writeFileSync(urls, 'database: { url: "postgresql://u:p@ss:w0rd@db1:6543,db2/sy?sslmode=require" }\nredis: { url: "rediss://:pw@[fd00::7]:6380/0" }\n');
    const users = ['sy-switchyard-auth', 'sy-switchyard-billing', 'sy-switchyard-ingress', 'sy-switchyard-migrate', 'sy-switchyard-router'];
    expect(datastorePorts(render([valuesPath('defaults'), urls]))).toEqual(Object.fromEntries(users.map((n) => [n, [5432, 6380, 6543]])));
    expect(datastorePorts(render([valuesPath('defaults')]))).toEqual(Object.fromEntries(users.map((n) => [n, [5432, 6379]])));
    // URLs in existing Secrets cannot be read: the defaults, or the ports given in values.
    expect(datastorePorts(render([valuesPath('existing-secrets')], ['networkPolicy.postgresPort=6000']))).toEqual(Object.fromEntries(users.map((n) => [n, [6000, 6379]])));
    expect(datastorePorts(render([valuesPath('defaults'), urls], ['networkPolicy.redisPort=7000']))['sy-switchyard-auth']).toEqual([5432, 6543, 7000]);
  });

  it('scopes every alert rule to the release\'s namespace, so two releases in one Prometheus are not summed together, and promtool accepts them', () => {
    const [rule] = ofKind(render([valuesPath('ha')], ['metrics.prometheusRule.enabled=true']), 'PrometheusRule');
    const groups = (rule?.spec as { groups: { rules: { alert: string; expr: string }[] }[] }).groups;
    const source = parseYaml(readFileSync(resolve(ROOT, 'deploy/prometheus/switchyard.rules.yaml'), 'utf8')) as { groups: typeof groups };
    expect(groups.flatMap((g) => g.rules.map((r) => r.alert))).toEqual(source.groups.flatMap((g) => g.rules.map((r) => r.alert)));
    for (const { alert, expr } of groups.flatMap((g) => g.rules)) {
      const selectors = [...expr.matchAll(/\b(switchyard_[a-z0-9_]+|up)\b(\{[^}]*\})?/g)];
      expect(selectors.length).toBeGreaterThan(0);
      for (const [whole, , matchers] of selectors) expect({ alert, whole, scoped: matchers?.startsWith('{namespace="llm"') }).toEqual({ alert, whole, scoped: true });
    }
    const file = join(mkdtempSync(join(tmpdir(), 'sy-helm-rules-')), 'rules.yaml');
    writeFileSync(file, stringifyYaml({ groups }));
    const check = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    expect({ status: check.status, out: check.stderr }).toEqual({ status: 0, out: '' });
  });

  it('names the ServiceMonitor\'s scrape jobs switchyard-<component>, as the alert rules and dashboards select them', () => {
    const [monitor] = ofKind(render([valuesPath('defaults')], ['metrics.enabled=true', 'metrics.serviceMonitor.enabled=true']), 'ServiceMonitor');
    const [endpoint] = (monitor?.spec as { endpoints: { relabelings?: { sourceLabels?: string[]; targetLabel?: string; replacement?: string }[] }[] }).endpoints;
    expect(endpoint?.relabelings).toContainEqual({ sourceLabels: ['__meta_kubernetes_service_label_app_kubernetes_io_component'], targetLabel: 'job', replacement: 'switchyard-$1' });
  });

  it('lets values reach every setting the gateway reads (across the values files)', () => {
    const seen = new Set<string>();
    for (const file of VALUES_FILES) for (const { container } of workloads(render([valuesPath(file)]))) for (const n of envNames(container)) seen.add(n);
    expect(gatewaySettingNames().filter((n) => !seen.has(n))).toEqual([]);
  });

  it('runs the standalone app alone when the topology is combined', () => {
    const objects = render([valuesPath('combined')]);
    const deployments = ofKind(objects, 'Deployment');
    expect(deployments.map((d) => d.metadata.name)).toEqual(['sy-switchyard-standalone']);
    expect(deployments[0]?.spec?.replicas).toBe(3);
    expect(ofKind(objects, 'Service').map((s) => s.metadata.name)).toEqual(['sy-switchyard']);
    expect(ofKind(objects, 'Ingress')).toHaveLength(1);
  });

  it('scales every component with an HPA in the HA values, leaving replicas to it, with a PDB each', () => {
    const objects = render([valuesPath('ha')]);
    const deployments = ofKind(objects, 'Deployment').map((d) => d.metadata.name).sort();
    expect(deployments).toEqual(['sy-switchyard-adapter-anthropic', 'sy-switchyard-adapter-gemini', 'sy-switchyard-adapter-openai', 'sy-switchyard-auth', 'sy-switchyard-billing', 'sy-switchyard-ingress', 'sy-switchyard-router']);
    expect(ofKind(objects, 'HorizontalPodAutoscaler').map((h) => h.metadata.name).sort()).toEqual(deployments);
    expect(ofKind(objects, 'PodDisruptionBudget').map((h) => h.metadata.name).sort()).toEqual(deployments);
    for (const d of ofKind(objects, 'Deployment')) expect(d.spec?.replicas).toBeUndefined();
    for (const d of ofKind(objects, 'Deployment')) expect((d.spec?.template?.spec as unknown as { topologySpreadConstraints: { whenUnsatisfiable: string }[] }).topologySpreadConstraints.map((t) => t.whenUnsatisfiable)).toEqual(['DoNotSchedule', 'DoNotSchedule']);
    expect(ofKind(objects, 'ServiceMonitor')).toHaveLength(1);
    expect(ofKind(objects, 'HTTPRoute')).toHaveLength(1);
  });

  it('writes no Secret when every secret comes from existing Secrets, and reads those', () => {
    const objects = render([valuesPath('existing-secrets')]);
    expect(ofKind(objects, 'Secret')).toEqual([]);
    const refs = new Set(workloads(objects).flatMap(({ container }) => (container.env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef ? [`${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`] : []))));
    expect([...refs].sort()).toEqual(['switchyard-admin/SWITCHYARD_ADMIN_TOKEN', 'switchyard-db/url', 'switchyard-files-bucket/AWS_ACCESS_KEY_ID', 'switchyard-files-bucket/AWS_SECRET_ACCESS_KEY', 'switchyard-redis/url', 'switchyard-sealing/SWITCHYARD_SECRET_KEYS', 'switchyard-tenants/ACME_CI_KEY', 'switchyard-tenants/ACME_KEY', 'switchyard-upstream/SWITCHYARD_UPSTREAM_ANTHROPIC_KEY', 'switchyard-upstream/SWITCHYARD_UPSTREAM_VLLM_KEY']);
  });

  it('renders two regions as two releases differing in region, Redis and upstream keys only', () => {
    const [eu, us] = (['region-eu-west', 'region-us-east'] as const).map((f) => workloads(render([valuesPath(f)])));
    const ingressEnv = (w: typeof eu) => w?.find((x) => appName(x.container) === 'ingress')?.container as Container;
    expect(plainEnv(ingressEnv(eu), 'SWITCHYARD_REGION')).toBe('eu-west');
    expect(plainEnv(ingressEnv(us), 'SWITCHYARD_REGION')).toBe('us-east');
    const adapterRef = (w: typeof eu) => w?.find((x) => plainEnv(x.container, 'ADAPTER_PROVIDER') === 'openai')?.container.env?.find((e) => e.name === 'SWITCHYARD_UPSTREAM_OPENAI_KEY')?.valueFrom?.secretKeyRef?.name;
    expect([adapterRef(eu), adapterRef(us)]).toEqual(['switchyard-upstream-eu-west', 'switchyard-upstream-us-east']);
  });

  it('renders the two example regions (deploy/examples) with one Postgres Secret, a Redis and a region each', () => {
    const [a, b] = (['examples/region-a', 'examples/region-b'] as const).map((f) => {
      const objects = render([valuesPath(f)]);
      const values = (name: string) => [...new Set(workloads(objects).flatMap(({ container }) => (container.env ?? []).filter((e) => e.name === name).map((e) => JSON.stringify(e.valueFrom?.secretKeyRef ?? e.value))))];
      const [secret] = ofKind(objects, 'Secret');
      return { database: values('DATABASE_URL'), region: values('SWITCHYARD_REGION'), redis: Buffer.from(secret?.data?.['REDIS_URL'] ?? '', 'base64').toString() };
    });
    expect(a?.database).toEqual([JSON.stringify({ name: 'switchyard-global-db', key: 'DATABASE_URL' })]);
    expect(b?.database).toEqual(a?.database);
    expect([a?.region, b?.region]).toEqual([['"eu-west-1"'], ['"us-east-1"']]);
    expect(a?.redis).toMatch(/^redis:\/\//);
    expect(b?.redis).toMatch(/^redis:\/\//);
    expect(a?.redis).not.toBe(b?.redis);
  });

  it('keeps the README values table in step with the values.yaml comments, and the chart copies of rules and dashboards in step with their sources', () => {
    for (const tool of ['tools/helm/values-readme.mjs', 'tools/helm/sync-chart-files.mjs']) {
      const r = spawnSync(process.execPath, [resolve(ROOT, tool), '--check'], { encoding: 'utf8', cwd: ROOT });
      expect({ tool, status: r.status, stderr: r.stderr }).toEqual({ tool, status: 0, stderr: '' });
    }
  });

  describe('alert rules and dashboards', () => {
    let chart: string;
    beforeAll(() => {
      chart = join(mkdtempSync(join(tmpdir(), 'sy-chart-')), 'switchyard');
      cpSync(CHART, chart, { recursive: true });
    });
    afterAll(() => rmSync(resolve(chart, '..'), { recursive: true, force: true }));

    it('refuses to render them while the chart holds no synced copy, naming the sync script', () => {
      rmSync(join(chart, 'files'), { recursive: true, force: true });
      const r = runHelm(['template', 'sy', chart, '-f', valuesPath('defaults'), '--set', 'metrics.enabled=true', '--set', 'metrics.prometheusRule.enabled=true']);
      expect(r.stderr).toContain('tools/helm/sync-chart-files.mjs');
      const d = runHelm(['template', 'sy', chart, '-f', valuesPath('defaults'), '--set', 'dashboards.enabled=true']);
      expect(d.stderr).toContain('tools/helm/sync-chart-files.mjs');
    });

    it('renders the synced rules as a PrometheusRule and the dashboards as a sidecar ConfigMap, both valid', () => {
      mkdirSync(join(chart, 'files/prometheus'), { recursive: true });
      mkdirSync(join(chart, 'files/grafana/dashboards'), { recursive: true });
      writeFileSync(join(chart, 'files/prometheus/switchyard.rules.yaml'), 'groups:\n  - name: switchyard\n    rules:\n      - alert: SwitchyardDown\n        expr: up{job="switchyard"} == 0\n        for: 5m\n        labels: { severity: page }\n');
      writeFileSync(join(chart, 'files/grafana/dashboards/overview.json'), JSON.stringify({ title: 'Switchyard', panels: [] }));
      const text = renderText([valuesPath('defaults')], ['metrics.enabled=true', 'metrics.prometheusRule.enabled=true', 'dashboards.enabled=true'], chart);
      expect(validateManifests(text).filter((r) => r.errors.length > 0)).toEqual([]);
      const objects = parseObjects(text);
      const [rule] = ofKind(objects, 'PrometheusRule');
      expect((rule?.spec as { groups: { rules: { alert: string }[] }[] }).groups[0]?.rules[0]?.alert).toBe('SwitchyardDown');
      const [dashboards] = ofKind(objects, 'ConfigMap').filter((c) => c.metadata.labels?.['grafana_dashboard'] === '1');
      expect(JSON.parse(dashboards?.data?.['overview.json'] ?? '{}')).toEqual({ title: 'Switchyard', panels: [] });
    });
  });
});
