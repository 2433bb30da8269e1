import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { unknownSeries } from '../grafana/src/known-series';

// The alert rules as Prometheus reads them: promtool's syntax check, promtool's unit tests
// (switchyard.rules.test.yaml: every alert firing and not firing), and every series they name
// declared by Switchyard. promtool comes with Debian's `prometheus` package (.ci/run installs it).
const RULES = join(__dirname, 'switchyard.rules.yaml');
const TESTS = join(__dirname, 'switchyard.rules.test.yaml');

interface Rule { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
const groups = (parse(readFileSync(RULES, 'utf8')) as { groups: { name: string; rules: Rule[] }[] }).groups;
const rules = groups.flatMap((g) => g.rules);

function promtool(...args: string[]): string {
  try {
    return execFileSync('promtool', args, { cwd: __dirname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`promtool ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

describe('deploy/prometheus/switchyard.rules.yaml', () => {
  it('passes promtool check rules', () => {
    expect(promtool('check', 'rules', RULES)).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it('passes its promtool unit tests, which cover every alert', () => {
    expect(promtool('test', 'rules', TESTS)).toContain('SUCCESS');
    const tested = new Set([...readFileSync(TESTS, 'utf8').matchAll(/alertname: (\w+)/g)].map((m) => m[1] ?? ''));
    expect(rules.map((r) => r.alert ?? '').filter((a) => !tested.has(a))).toEqual([]);
  });

  it('names only series Switchyard exposes', () => {
    expect(rules.length).toBeGreaterThan(0);
    expect(unknownSeries(rules.map((r) => r.expr))).toEqual([]);
  });

  it('gives every alert a for: duration, a severity and a summary, description and runbook', () => {
    for (const r of rules) {
      expect({ alert: r.alert, for: typeof r.for, severity: r.labels?.['severity'] }).toEqual({ alert: r.alert, for: 'string', severity: expect.stringMatching(/^(warning|critical)$/) });
      expect(Object.keys(r.annotations ?? {}).sort()).toEqual(['description', 'runbook', 'summary']);
    }
  });
});
