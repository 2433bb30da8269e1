// The processes a benchmark run starts: spawned without a shell (so the pid is the Node
// process whose CPU we read), their output kept for diagnosis, and all of them stopped on
// every way out of the run (normal end, error, Ctrl-C, watchdog).
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';

const TAIL_LINES = 80;
const STOP_GRACE_MS = 5_000;
const ANSI_COLOUR = /\x1b\[[0-9;]*m/g;

export class Children {
  #all = [];

  /** Spawns `node <args>` with exactly `env` (plus PATH/HOME), never the caller's whole env. */
  start(name, args, env) {
    const proc = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const child = new Child(name, proc);
    this.#all.push(child);
    return child;
  }

  get all() {
    return this.#all;
  }

  /** SIGTERM to every live child, SIGKILL after the grace period; resolves when all are gone. */
  async stopAll() {
    await Promise.all(this.#all.map((c) => c.stop()));
  }

  /** Last resort from a synchronous 'exit' handler: nothing may outlive the run. */
  killAllNow() {
    for (const c of this.#all) if (c.running) c.proc.kill('SIGKILL');
  }
}

export class Child {
  #lines = [];
  #partial = '';
  #quietFrom = Infinity;
  /** Output printed after the child was declared ready and before it was asked to stop. */
  lateOutput = [];
  stopping = false;
  exit = null;

  constructor(name, proc) {
    this.name = name;
    this.proc = proc;
    this.exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        this.exit = { code, signal, expected: this.stopping };
        resolve(this.exit);
      });
    });
    proc.stdout.on('data', (d) => this.#collect(d));
    proc.stderr.on('data', (d) => this.#collect(d));
  }

  get pid() {
    return this.proc.pid;
  }

  get running() {
    return this.exit === null;
  }

  /** From now on every line it prints is reported as late output. */
  markReady() {
    this.#quietFrom = this.#lines.length;
  }

  output() {
    return [...this.#lines, this.#partial].join('\n').trim();
  }

  /** Resolves with the first captured text matching `re`; rejects if the child exits first. */
  waitForOutput(re, timeoutMs) {
    return poll(`${this.name}: output ${re}`, timeoutMs, this, async () => re.exec(this.output()));
  }

  async stop() {
    if (!this.running) return this.exit;
    this.stopping = true;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), STOP_GRACE_MS);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  #collect(data) {
    // Nest colours its log lines even into a pipe; the colour codes would only garble the report.
    const text = this.#partial + data.toString().replace(ANSI_COLOUR, '');
    const lines = text.split('\n');
    this.#partial = lines.pop();
    for (const line of lines) {
      if (!this.stopping && this.#lines.length >= this.#quietFrom && this.lateOutput.length < TAIL_LINES) this.lateOutput.push(line);
      this.#lines.push(line);
      if (this.#lines.length > TAIL_LINES * 4) {
        this.#lines.splice(0, TAIL_LINES);
        this.#quietFrom = Math.max(0, this.#quietFrom - TAIL_LINES);
      }
    }
  }
}

/** Retries `check` every 100 ms until it returns a truthy value, the child exits or time is up. */
export async function poll(what, timeoutMs, child, check) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    if (child && !child.running) {
      throw new Error(`${child.name} exited (${child.exit.code ?? child.exit.signal}) while waiting for ${what}:\n${child.output()}`);
    }
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const tail = child ? `\n--- ${child.name} output ---\n${child.output()}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (${last.message ?? last})` : ''}${tail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A port free right now on 127.0.0.1 (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function tcpOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.setTimeout(1_000);
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}
