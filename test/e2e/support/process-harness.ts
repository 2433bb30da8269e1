import { ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../../..');

/**
 * The outbound settings a gateway needs to call the provider simulator, which serves plain
 * http on 127.0.0.1: the outbound policy refuses both by default (docs/architecture.md §4).
 */
export const SIMULATOR_OUTBOUND_ENV = { SWITCHYARD_OUTBOUND_ALLOW_HTTP: 'true', SWITCHYARD_OUTBOUND_ALLOW_PRIVATE: 'true' } as const;

/** An app bundle (dist/apps/<name>/main.js) running as a real child process. */
export interface RunningApp {
  name: string;
  proc: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startApp(name: string, env: Record<string, string>, args: string[] = []): RunningApp {
  const proc = spawn(process.execPath, [resolve(ROOT, `dist/apps/${name}/main.js`), ...args], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return runningApp(name, proc);
}

/** A spawned child (stdout and stderr piped) as a RunningApp: its output collected, stopped with a SIGKILL after 10 s. */
export function runningApp(name: string, proc: ChildProcess): RunningApp {
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return {
    name,
    proc,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Runs an app command to completion (e.g. `apply -f`), failing with its output. */
export async function runApp(name: string, env: Record<string, string>, args: string[]): Promise<string> {
  const app = startApp(name, env, args);
  const code = await new Promise<number | null>((r) => app.proc.once('exit', (c) => r(c)));
  if (code !== 0) throw new Error(`${name} ${args.join(' ')} exited ${code}:\n${app.output()}`);
  return app.output();
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/** Polls until `check` passes or the time is up; the last failure is rethrown. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${what} not met in ${timeoutMs} ms: ${String(last)}`);
}

export async function waitForReady(baseUrl: string, app: RunningApp, timeoutMs = 30_000): Promise<void> {
  await eventually(async () => {
    if (app.proc.exitCode !== null) throw new Error(`exited early:\n${app.output()}`);
    const res = await fetch(`${baseUrl}/readyz`);
    if (res.status !== 200) throw new Error(`readyz ${res.status}`);
  }, timeoutMs, `${app.name} ready`).catch((err: unknown) => {
    throw new Error(`${String(err)}\n--- ${app.name} output ---\n${app.output()}`);
  });
}

/** Resolves once `port` accepts TCP connections; fails early, with its output, if the app exits. */
export async function listening(port: number, app: RunningApp, timeoutMs = 60_000): Promise<void> {
  await eventually(
    async () => {
      if (app.proc.exitCode !== null || app.proc.signalCode !== null) throw new Error(`exited early:\n${app.output()}`);
      await new Promise<void>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.destroy();
          resolve();
        });
        socket.once('error', reject);
      });
    },
    timeoutMs,
    `${app.name} listening on ${port}`,
  ).catch((err: unknown) => {
    throw new Error(`${String(err)}\n--- ${app.name} output ---\n${app.output()}`);
  });
}
