import { ProviderSimulator } from '@switchyard/testing';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { Redis } from 'ioredis';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { AdminClient } from './support/admin-client';
import { GATEWAY_SECRETS, PUBLIC_MODEL, TEST_KEY, writeGatewayConfig } from './support/gateway-config';
import { type K8sObject, appOf, ofKind, plainEnv, render, renderNotes, workloads } from './support/helm-chart';
import { ROOT, eventually } from './support/process-harness';
import { createTestDatabase } from './support/postgres-harness';
import { RenderedChartRun } from './support/rendered-chart.runner';

// "The rendered chart, run": the chart is rendered, its hook Job and every Deployment are started
// as local processes from the runtime tree the image holds (tools/runtime-tree.mjs, as the
// Dockerfile builds it), each with its rendered command and environment; the test waits for the
// rendered readiness probes and calls the ingress with the official SDKs. A wiring mistake (a
// wrong Service, port, probe, variable or secret) fails here even when the manifests are valid.
const execFileAsync = promisify(execFile);
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/11';
const ADMIN_TOKEN = 'admin-token-for-the-chart-run-0123456789';
const PEER_SECRET = 'link-secret-eu-west-us-east-0123456789abcdef';

describe('the rendered Helm chart, run', () => {
  let sim: ProviderSimulator;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let run: RenderedChartRun;
  let objects: K8sObject[];
  let baseUrl = '';
  let valuesFile = '';
  const scratch = mkdtempSync(join(tmpdir(), 'sy-helm-run-'));

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_helm_run');
    const redis = new Redis(REDIS_URL);
    await redis.flushdb();
    redis.disconnect();

    const config = parseYaml(readFileSync(writeGatewayConfig(sim.url), 'utf8')) as { server: Record<string, unknown>; region?: unknown; tenants: { keys: { key: string }[] }[] };
    // One region of two: the ingress reads `region` from the mounted file and resolves its peer's
    // link secret at start (it would not start without it). No spill-over: nothing is forwarded.
    config.server.region = 'eu-west';
    config.region = { readiness: { minUsableModelShare: 0.5 }, peers: [{ name: 'us-east', url: 'https://us-east.gw.example.com', credential: 'env:SWITCHYARD_PEER_US_EAST' }] };
    const { SWITCHYARD_UPSTREAM_SIM_KEY, ACME_KEY } = GATEWAY_SECRETS;
    // The chart keeps keys out of the ConfigMap: literal tenant keys become env: references.
    const tenantKeys: Record<string, string> = { ACME_KEY };
    config.tenants.flatMap((t) => t.keys).forEach((k, i) => {
      if (k.key.startsWith('env:')) return;
      tenantKeys[`TENANT_KEY_${i}`] = k.key;
      k.key = `env:TENANT_KEY_${i}`;
    });
    const values = {
      database: { url: db.url },
      redis: { url: REDIS_URL },
      adminToken: { value: ADMIN_TOKEN },
      secretKeys: { value: `k1:${Buffer.alloc(32, 3).toString('base64')}` },
      // The simulator is plain http on loopback, which the outbound policy allows only when told.
      settings: { outbound: { allowHttp: true, allowPrivate: true } },
      config,
      upstreamKeys: { values: { SWITCHYARD_UPSTREAM_SIM_KEY } },
      tenantKeys: { values: tenantKeys },
      peerSecrets: { values: { SWITCHYARD_PEER_US_EAST: PEER_SECRET } },
      adapter: { families: ['openai', 'anthropic'], replicaCount: 1 },
      // Metrics off, the default: nothing may depend on a metrics port being there.
      metrics: { enabled: false },
      ...Object.fromEntries(['ingress', 'auth', 'router', 'billing'].map((c) => [c, { replicaCount: 1 }])),
    };
    valuesFile = join(scratch, 'values.yaml');
    writeFileSync(valuesFile, stringify(values));
    objects = render([valuesFile]);

    const tree = resolve(scratch, 'runtime');
    const built = spawnSync(process.execPath, [resolve(ROOT, 'tools/runtime-tree.mjs'), '--out', tree, '--no-build', '--node-modules', 'link'], { encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`runtime-tree: ${built.stderr}`);

    run = new RenderedChartRun(objects, tree);
    await run.assignPorts();
    // helm install: the pre-install hook first (migrations and `switchyard apply`), then the rest.
    const [job] = ofKind(objects, 'Job');
    expect(job?.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    await run.runToCompletion(job?.metadata.name ?? '');
    const apps = ofKind(objects, 'Deployment').map((d) => run.start(d.metadata.name));
    await Promise.all(apps.map((a) => run.waitReady(a)));
    baseUrl = `http://127.0.0.1:${run.localPort('sy-switchyard-ingress', 'http')}`;
    // Seven Node processes start at once; on a loaded 2-core machine that can take minutes.
  }, 420_000);

  afterAll(async () => {
    const codes = (await run?.stopAll()) ?? [];
    await sim?.close();
    await db?.drop();
    rmSync(scratch, { recursive: true, force: true });
    // Every process drained and exited 0 on SIGTERM, as a pod must on a rolling update.
    expect(codes.filter(([, code]) => code !== 0)).toEqual([]);
  });

  it('started a Deployment per component, each from the runtime tree the image holds', () => {
    const started = workloads(objects).map(({ obj, container }) => `${obj.kind}/${obj.metadata.name}: ${appOf(container).app}`);
    expect(started.sort()).toEqual([
      'Deployment/sy-switchyard-adapter-anthropic: adapter',
      'Deployment/sy-switchyard-adapter-openai: adapter',
      'Deployment/sy-switchyard-auth: auth',
      'Deployment/sy-switchyard-billing: billing',
      'Deployment/sy-switchyard-ingress: ingress',
      'Deployment/sy-switchyard-router: router',
      'Job/sy-switchyard-migrate: standalone',
    ]);
  });

  it('answers the openai SDK through ingress, auth, router and the openai adapter, streamed and not', async () => {
    const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
    const answer = await client.chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'hello from helm' }] });
    expect(answer.choices[0]?.message.content?.length).toBeGreaterThan(0);
    const stream = await client.chat.completions.create({ model: PUBLIC_MODEL, stream: true, messages: [{ role: 'user', content: 'stream please' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text.length).toBeGreaterThan(0);
  });

  it('runs with metrics off: no metrics port or variable rendered, every process ready without them', () => {
    for (const { container } of workloads(objects)) {
      expect(container.ports?.some((p) => p.name === 'metrics') ?? false).toBe(false);
      expect(plainEnv(container, 'SWITCHYARD_METRICS_PORT')).toBeUndefined();
    }
    expect(ofKind(objects, 'Service').flatMap((svc) => svc.spec?.ports ?? []).filter((p) => p.name === 'metrics')).toEqual([]);
  });

  it('gives the ingress switchyard.yaml\'s region section and its peer\'s link secret: it started with a peer, and judges readiness by the mounted share', async () => {
    const ingress = workloads(objects).find((w) => w.obj.metadata.name === 'sy-switchyard-ingress')?.container;
    expect(ingress?.env?.find((e) => e.name === 'SWITCHYARD_PEER_US_EAST')?.valueFrom?.secretKeyRef).toEqual({ name: 'sy-switchyard-secrets', key: 'SWITCHYARD_PEER_US_EAST' });
    const res = await new AdminClient(baseUrl, ADMIN_TOKEN).call<{ region: string; ready: boolean; models: { minUsableShare: number; total: number } }>('GET', '/region');
    expect(res.status).toBe(200);
    // Without the mounted file the ingress would have no name and a share of 0.
    expect(res.body).toMatchObject({ region: 'eu-west', ready: true, models: { minUsableShare: 0.5 } });
    expect(res.body.models.total).toBeGreaterThan(0);
  });

  it('answers the commands NOTES.txt prints: a tenant key from the admin API, then curl and the openai SDK', async () => {
    const notes = renderNotes([valuesFile]);
    const command = (re: RegExp) => {
      const m = re.exec(notes);
      if (!m) throw new Error(`NOTES.txt lacks ${re}:\n${notes}`);
      return m[0].trim();
    };
    // kubectl is not here: the admin token is given as the Secret would hand it out. Run
    // asynchronously: the provider simulator answers from this very process.
    const bash = async (script: string, env: Record<string, string>) => {
      const { stdout } = await execFileAsync('bash', ['-c', `set -euo pipefail\n${script}`], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, BASE: baseUrl, ...env } });
      return stdout.trim();
    };
    const key = await bash(`${command(/ {2}TENANT_KEY=\$\(curl -s \$BASE\/admin\/v1\/tenants\/[\s\S]*?jq -r \.secret\)/)}\necho "$TENANT_KEY"`, { ADMIN_TOKEN });
    expect(key).toMatch(/^sk-sy-/);
    // A new key reaches every auth replica over the config bus, within a moment.
    const curl = `${command(/ {2}curl \$BASE\/v1\/chat\/completions[\s\S]*?\}'\n/)} --fail-with-body -s`;
    const answer = await eventually(async () => JSON.parse(await bash(curl, { TENANT_KEY: key })) as { object: string; choices: { message: { role: string } }[] });
    expect(answer).toMatchObject({ object: 'chat.completion', choices: [{ message: { role: 'assistant' } }] });
    expect((await bash(command(/ {2}BASE=\$BASE TENANT_KEY=\$TENANT_KEY node -e '[\s\S]*?;'\n/), { TENANT_KEY: key })).length).toBeGreaterThan(0);
  });

  it('answers the Anthropic SDK on the same gateway (translated to the OpenAI upstream)', async () => {
    const client = new Anthropic({ baseURL: baseUrl, apiKey: TEST_KEY, maxRetries: 0 });
    const message = await client.messages.create({ model: PUBLIC_MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] });
    expect(message.content.some((b) => b.type === 'text' && b.text.length > 0)).toBe(true);
  });

  it('refuses a key the hook Job did not apply, and meters answered requests through the queue into billing', async () => {
    const stranger = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: 'sk-unknown-0123456789abcdef0123456789', maxRetries: 0 });
    await expect(stranger.chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 401 });
    // The admin API (the ingress with its token and the database) asks billing over gRPC.
    const admin = new AdminClient(baseUrl, ADMIN_TOKEN);
    const rows = await eventually(async () => {
      const res = await admin.call<{ rows: { tenantId: string; requests: number }[] }>('GET', '/usage?tenant=acme');
      const total = res.body.rows?.reduce((n, r) => n + r.requests, 0) ?? 0;
      if (res.status !== 200 || total < 3) throw new Error(`usage ${res.status} ${res.text}`);
      return res.body.rows;
    });
    expect(rows.every((r) => r.tenantId === 'acme')).toBe(true);
  });
});

describe('the Dockerfile', () => {
  const dockerfile = readFileSync(resolve(ROOT, 'Dockerfile'), 'utf8');
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('builds its tree with the project scripts the tests run, and they exist', () => {
    const scripts = [...dockerfile.matchAll(/node (tools\/[\w./-]+\.mjs)/g)].map((m) => m[1] ?? '');
    expect(scripts).toContain('tools/runtime-tree.mjs');
    for (const s of scripts) expect(existsSync(resolve(ROOT, s))).toBe(true);
    expect(dockerfile).toMatch(/COPY --from=build \/runtime \/app/);
  });

  it('runs as a numeric non-root user under tini, with OCI labels', () => {
    expect(finalStage).toMatch(/^USER 10001:10001$/m);
    expect(finalStage).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/m);
    expect(finalStage).toMatch(/org\.opencontainers\.image\.source=/);
    expect(finalStage).toMatch(/org\.opencontainers\.image\.revision=/);
    // The chart's pods run as the same user, so a read-only root filesystem owned by root holds.
    const chartValues = parseYaml(readFileSync(resolve(ROOT, 'deploy/helm/switchyard/values.yaml'), 'utf8')) as { podSecurityContext: { runAsUser: number } };
    expect(chartValues.podSecurityContext.runAsUser).toBe(10001);
  });

  it('keeps what the build makes again out of the build context', () => {
    const ignored = readFileSync(resolve(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const p of ['**/node_modules', 'dist', 'libs/db/src/generated', '.git']) expect(ignored).toContain(p);
  });
});
