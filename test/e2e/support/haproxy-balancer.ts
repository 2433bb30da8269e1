import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningApp, eventually, freePort, runningApp } from './process-harness';

// HAProxy (Debian's package) as the global load balancer of the failover test (issue 15): one
// backend of the regions' ingresses, each health-checked with `GET /readyz` every `inter`
// (two failed checks mark a region DOWN, two good ones UP). A request whose connection to a
// region is refused is tried again on the other (`retries` + `option redispatch`): what a
// load balancer does for a region that is gone before its check has noticed. HAProxy's own
// statistics page (CSV) tells the test what it believes about each region.

export const HAPROXY_BIN = '/usr/sbin/haproxy';
/** The health check interval: short, so a dead region is marked down quickly. */
export const CHECK_INTERVAL_MS = 250;

export interface BalancedRegion {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

export class HaproxyBalancer {
  private constructor(
    private readonly app: RunningApp,
    private readonly dir: string,
    readonly baseUrl: string,
    private readonly statsUrl: string,
  ) {}

  static async start(regions: readonly BalancedRegion[]): Promise<HaproxyBalancer> {
    if (!existsSync(HAPROXY_BIN)) throw new Error(`${HAPROXY_BIN} is missing: apt-get install haproxy (.ci/run does)`);
    const [port, statsPort] = [await freePort(), await freePort()];
    const dir = mkdtempSync(join(tmpdir(), 'sy-haproxy-'));
    const config = join(dir, 'haproxy.cfg');
    writeFileSync(config, haproxyConfig(port, statsPort, regions));
    const proc = spawn(HAPROXY_BIN, ['-db', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    const app = runningApp('haproxy', proc);
    const balancer = new HaproxyBalancer(app, dir, `http://127.0.0.1:${port}`, `http://127.0.0.1:${statsPort}/stats;csv`);
    try {
      await eventually(
        async () => {
          if (proc.exitCode !== null) throw new Error(`haproxy exited ${proc.exitCode}:\n${app.output()}`);
          const states = await balancer.states();
          if (regions.some((r) => states[r.name] !== 'UP')) throw new Error(`regions ${JSON.stringify(states)}`);
        },
        30_000,
        'haproxy up with every region UP',
      );
    } catch (err) {
      await balancer.stop();
      throw err;
    }
    return balancer;
  }

  /** Each region's status as HAProxy sees it (`UP`, `DOWN`, `UP 1/2`…), from its statistics CSV. */
  async states(): Promise<Record<string, string>> {
    const res = await fetch(this.statsUrl);
    if (res.status !== 200) throw new Error(`haproxy stats answered ${res.status}`);
    const [header = '', ...lines] = (await res.text()).trim().split('\n');
    const columns = header.replace(/^# /, '').split(',');
    const [px, sv, status] = ['pxname', 'svname', 'status'].map((c) => columns.indexOf(c)) as [number, number, number];
    const states: Record<string, string> = {};
    for (const fields of lines.map((l) => l.split(','))) {
      if (fields[px] === 'regions' && fields[sv] !== 'BACKEND') states[fields[sv] ?? ''] = fields[status] ?? '';
    }
    return states;
  }

  output(): string {
    return this.app.output();
  }

  async stop(): Promise<void> {
    await this.app.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function haproxyConfig(port: number, statsPort: number, regions: readonly BalancedRegion[]): string {
  const servers = regions.map((r) => `  server ${r.name} ${r.host}:${r.port} check`).join('\n');
  return `global
  maxconn 512

defaults
  mode http
  timeout connect 1s
  timeout client 60s
  timeout server 60s
  timeout check 1s
  retries 2
  option redispatch 1

frontend relay
  bind 127.0.0.1:${port}
  default_backend regions

backend regions
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  default-server inter ${CHECK_INTERVAL_MS}ms fastinter ${CHECK_INTERVAL_MS}ms downinter ${CHECK_INTERVAL_MS}ms fall 2 rise 2
${servers}

frontend stats
  bind 127.0.0.1:${statsPort}
  stats enable
  stats uri /stats
`;
}
