import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort } from './process-harness';

/** One series of an instant query's answer. */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

interface ScrapeTarget {
  labels: Record<string, string>;
  health: 'up' | 'down' | 'unknown';
  lastScrape: string;
  lastError: string;
}

/**
 * A real Prometheus server (Debian's `prometheus` binary) as a child process of the test, on a
 * free port, its data in a temporary folder, scraping `targets` (job name to host:port) every
 * second. Not the system service: nothing outlives the test.
 */
export class PrometheusServer {
  private constructor(
    readonly url: string,
    private readonly proc: ChildProcess,
    private readonly dir: string,
    private readonly output: () => string,
  ) {}

  /** `ruleFiles`: rule files (absolute paths) Prometheus loads and evaluates every second. */
  static async start(targets: Record<string, string>, ruleFiles: readonly string[] = []): Promise<PrometheusServer> {
    const dir = mkdtempSync(join(tmpdir(), 'sy-prometheus-'));
    const jobs = Object.entries(targets).map(([job, address]) => `  - job_name: ${job}\n    static_configs:\n      - targets: ['${address}']`);
    const config = join(dir, 'prometheus.yml');
    const rules = ruleFiles.length ? `rule_files:\n${ruleFiles.map((f) => `  - ${JSON.stringify(f)}`).join('\n')}\n` : '';
    writeFileSync(config, `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n${rules}scrape_configs:\n${jobs.join('\n')}\n`);
    const port = await freePort();
    const proc = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const server = new PrometheusServer(`http://127.0.0.1:${port}`, proc, dir, () => out);
    await eventually(async () => {
      if (proc.exitCode !== null) throw new Error(`prometheus exited ${proc.exitCode}:\n${out}`);
      const res = await fetch(`${server.url}/-/ready`);
      if (res.status !== 200) throw new Error(`ready ${res.status}`);
    }, 30_000, 'prometheus ready');
    return server;
  }

  /** An instant query through the HTTP API (/api/v1/query); a PromQL error throws. */
  async query(expr: string): Promise<PromSample[]> {
    const res = await fetch(`${this.url}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query: expr }) });
    const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: PromSample[] } };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error ?? res.status}`);
    return body.data?.result ?? [];
  }

  /** Waits until every target has been scraped after `since` (ms since the epoch); returns their state. */
  async scrapedSince(since: number, timeoutMs = 20_000): Promise<ScrapeTarget[]> {
    return eventually(async () => {
      const res = (await (await fetch(`${this.url}/api/v1/targets?state=active`)).json()) as { data: { activeTargets: ScrapeTarget[] } };
      const targets = res.data.activeTargets;
      const behind = targets.filter((t) => Date.parse(t.lastScrape) <= since);
      if (targets.length === 0 || behind.length) throw new Error(`not scraped yet: ${behind.map((t) => t.labels['job']).join(', ')}`);
      return targets;
    }, timeoutMs, 'a scrape of every target');
  }

  /** The loaded rules with their last evaluation's health (`ok`, `err`, `unknown`) and error. */
  async rules(): Promise<{ name: string; health: string; lastError?: string; lastEvaluation: string }[]> {
    const res = (await (await fetch(`${this.url}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string; health: string; lastError?: string; lastEvaluation: string }[] }[] } };
    return res.data.groups.flatMap((g) => g.rules);
  }

  log(): string {
    return this.output();
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
