import { METRICS, OVERHEAD_BUCKETS } from './metric-catalogue';
import { MetricsHttpServer } from './metrics-http.server';
import { SwitchyardMetrics, processMetrics } from './switchyard-metrics';

/** The sample lines of `name` in a Prometheus text rendering. */
function samples(text: string, name: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}

describe(SwitchyardMetrics.name, () => {
  let sut: SwitchyardMetrics;

  beforeEach(() => {
    sut = new SwitchyardMetrics();
  });

  it('registers every catalogue series under its name, type and help', async () => {
    const text = await sut.render();
    for (const spec of Object.values(METRICS)) {
      expect(text).toContain(`# TYPE ${spec.name} ${spec.type}`);
      expect(text).toContain(`# HELP ${spec.name} ${spec.help}`);
    }
  });

  it('renders a histogram child as cumulative buckets, +Inf, sum and count', async () => {
    const overhead = sut.series.gatewayOverhead.child({ dialect: 'openai', operation: 'chat', model: 'gpt-4o', provider: 'openai', status_class: '2xx' });
    overhead.observe(0.0002);
    overhead.observe(0.0012);
    overhead.observe(9);
    const lines = samples(await sut.render(), 'switchyard_gateway_overhead_seconds_bucket');
    expect(lines).toHaveLength(OVERHEAD_BUCKETS.length + 1);
    const labels = 'dialect="openai",operation="chat",model="gpt-4o",provider="openai",status_class="2xx"';
    expect(lines).toContain(`switchyard_gateway_overhead_seconds_bucket{${labels},le="0.0001"} 0`);
    expect(lines).toContain(`switchyard_gateway_overhead_seconds_bucket{${labels},le="0.00025"} 1`);
    expect(lines).toContain(`switchyard_gateway_overhead_seconds_bucket{${labels},le="0.0015"} 2`);
    expect(lines).toContain(`switchyard_gateway_overhead_seconds_bucket{${labels},le="0.25"} 2`);
    expect(lines).toContain(`switchyard_gateway_overhead_seconds_bucket{${labels},le="+Inf"} 3`);
    const text = await sut.render();
    expect(samples(text, 'switchyard_gateway_overhead_seconds_count')).toEqual([`switchyard_gateway_overhead_seconds_count{${labels}} 3`]);
    expect(samples(text, 'switchyard_gateway_overhead_seconds_sum')[0]).toMatch(/ 9\.0014\d*$/);
  });

  it('puts a value on its bucket bound into that bucket (le is "less or equal")', async () => {
    sut.series.upstreamDuration.observe({ provider: 'p', deployment: 'd' }, 0.5);
    const text = await sut.render();
    expect(text).toContain('switchyard_upstream_duration_seconds_bucket{provider="p",deployment="d",le="0.25"} 0');
    expect(text).toContain('switchyard_upstream_duration_seconds_bucket{provider="p",deployment="d",le="0.5"} 1');
  });

  it('drops a sample that is not a finite number instead of poisoning the sum', async () => {
    const child = sut.series.upstreamDuration.child({ provider: 'p', deployment: 'd' });
    child.observe(Number.NaN);
    child.observe(Number.POSITIVE_INFINITY);
    expect(child.count).toBe(0);
    expect(child.sum).toBe(0);
  });

  it('hands out the same child for the same label values, a different one otherwise', () => {
    const attempts = sut.series.attempts;
    const a = attempts.child({ provider: 'openai', deployment: 'd1', kind: 'first', outcome: 'ok' });
    expect(attempts.child({ provider: 'openai', deployment: 'd1', kind: 'first', outcome: 'ok' })).toBe(a);
    expect(attempts.child({ provider: 'openai', deployment: 'd1', kind: 'retry', outcome: 'ok' })).not.toBe(a);
  });

  it('counts per label set and renders each with its labels', async () => {
    sut.series.cacheLookups.inc({ model: 'gpt-4o', result: 'hit' });
    sut.series.cacheLookups.inc({ model: 'gpt-4o', result: 'miss' }, 2);
    sut.series.cacheLookups.child({ model: 'gpt-4o', result: 'miss' }).inc();
    expect(samples(await sut.render(), 'switchyard_cache_lookups_total').sort()).toEqual([
      'switchyard_cache_lookups_total{model="gpt-4o",result="hit"} 1',
      'switchyard_cache_lookups_total{model="gpt-4o",result="miss"} 3',
    ]);
  });

  it('escapes label values the text format needs escaped', async () => {
    sut.series.limitRefusals.inc({ tenant: 'a "quoted"\\tenant\nx', reason: 'rpm' });
    expect(await sut.render()).toContain('switchyard_limit_refusals_total{tenant="a \\"quoted\\"\\\\tenant\\nx",reason="rpm"} 1');
  });

  it('renders a series without labels as one bare sample', async () => {
    sut.series.usageQueueDepth.set({}, 4);
    expect(samples(await sut.render(), 'switchyard_usage_queue_depth')).toEqual(['switchyard_usage_queue_depth 4']);
  });

  it('reads scrape-time gauges from their readers, and leaves out a reader that failed', async () => {
    sut.series.usageQueueOldestAge.collect((set) => set({}, 12.5));
    sut.series.usageQueueDepth.collect(() => Promise.reject(new Error('redis down')));
    const text = await sut.render();
    expect(samples(text, 'switchyard_usage_queue_oldest_age_seconds')).toEqual(['switchyard_usage_queue_oldest_age_seconds 12.5']);
    expect(samples(text, 'switchyard_usage_queue_depth')).toEqual([]);
  });

  it('leaves a removed gauge child out until it is set again', async () => {
    const budget = sut.series.budgetLimit;
    budget.set({ tenant: 'acme', period: 'daily' }, 10);
    budget.remove({ tenant: 'acme', period: 'daily' });
    expect(samples(await sut.render(), 'switchyard_budget_limit_usd')).toEqual([]);
    budget.set({ tenant: 'acme', period: 'daily' }, 12);
    expect(samples(await sut.render(), 'switchyard_budget_limit_usd')).toEqual(['switchyard_budget_limit_usd{tenant="acme",period="daily"} 12']);
  });

  it('adds Node process metrics once asked, and only once', async () => {
    expect(await sut.render()).not.toContain('process_cpu_user_seconds_total');
    sut.collectProcessMetrics();
    sut.collectProcessMetrics();
    const text = await sut.render();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('types label names: a misspelled or missing label does not compile', () => {
    const attempts = sut.series.attempts;
    // @ts-expect-error `deploymnet` is not a label of switchyard_upstream_attempts_total
    attempts.child({ provider: 'p', deploymnet: 'd', kind: 'first', outcome: 'ok' });
    // @ts-expect-error `outcome` is missing
    attempts.child({ provider: 'p', deployment: 'd', kind: 'first' });
    expect(attempts.find({ provider: 'p', kind: 'first' })).toBeDefined();
  });

  it('is one registry per process', () => {
    expect(processMetrics()).toBe(processMetrics());
  });
});

describe(MetricsHttpServer.name, () => {
  let metrics: SwitchyardMetrics;
  let server: MetricsHttpServer | undefined;

  async function start(extra?: () => Promise<string>, onFailure?: (err: unknown) => void): Promise<string> {
    server = new MetricsHttpServer(metrics, extra, onFailure);
    const port = await server.listen(0, '127.0.0.1');
    return `http://127.0.0.1:${port}`;
  }

  beforeEach(() => {
    metrics = new SwitchyardMetrics();
    metrics.series.usageRecords.inc({ result: 'recorded' });
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves the registry on GET /metrics in the Prometheus text format', async () => {
    const base = await start();
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await res.text()).toContain('switchyard_usage_records_total{result="recorded"} 1');
  });

  it('appends the extra text, and still answers with the registry when it fails', async () => {
    let fail = false;
    const failures: unknown[] = [];
    const base = await start(async () => {
      if (fail) throw new Error('router unreachable');
      return '# TYPE extra_gauge gauge\nextra_gauge 1\n';
    }, (err) => failures.push(err));
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('extra_gauge 1');
    fail = true;
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain('extra_gauge');
    expect(text).toContain('switchyard_usage_records_total');
    expect(failures).toHaveLength(1);
  });

  it('answers 404 to anything but GET or HEAD /metrics', async () => {
    const base = await start();
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'HEAD' })).status).toBe(200);
  });
});
