// The processes of `npm run demo` and `npm run cluster`, started and stopped together: when one
// exits, or on SIGINT/SIGTERM, every other gets one SIGTERM (however many signals arrive: a
// terminal's Ctrl-C reaches them from the terminal too, and they ignore a second signal while
// draining) and up to DRAIN_MS to drain.
import { spawn } from 'node:child_process';

const DRAIN_MS = 10_000;
const READY_POLL_MS = 200;
const READY_TRIES = 600;

export class LocalStack {
  #children = [];
  #stopping = false;

  /** `label` names the whole in messages, e.g. "the cluster". */
  constructor(label) {
    this.label = label;
    process.on('SIGINT', () => this.stop(0));
    process.on('SIGTERM', () => this.stop(0));
  }

  /** Starts `node <args>`; with `prefixed`, its output lines are tagged with its name. */
  run(name, args, env, { prefixed = false } = {}) {
    const child = spawn(process.execPath, args, { env, stdio: prefixed ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    if (prefixed) {
      const tag = (d) => process.stdout.write(d.toString().replace(/^(?=.)/gm, `[${name}] `));
      child.stdout.on('data', tag);
      child.stderr.on('data', tag);
    }
    child.on('exit', (code, signal) => {
      if (!this.#stopping) console.log(`${name} exited (${code ?? signal}); stopping ${this.label}`);
      this.stop(code ?? 1);
    });
    this.#children.push(child);
  }

  stop(code) {
    if (this.#stopping) return;
    this.#stopping = true;
    process.exitCode = code;
    for (const c of this.#children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    setTimeout(() => process.exit(code), DRAIN_MS).unref();
  }

  /** Prints `text` once the ingress on `port` answers /readyz (not before: a copied curl would meet a refused connection). */
  async announceWhenReady(port, text) {
    for (let i = 0; i < READY_TRIES && !this.#stopping; i++) {
      if (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)) {
        console.log(text);
        return;
      }
      await new Promise((r) => setTimeout(r, READY_POLL_MS));
    }
  }
}

/** A chat request to the sample config's demo key and model, and one in Anthropic's dialect to its Anthropic-family model. */
export function demoCurl(port) {
  return `  curl -s http://127.0.0.1:${port}/v1/chat/completions -H 'authorization: Bearer sk-demo-switchyard-local-demo-key' \\
    -H 'content-type: application/json' -d '{"model":"demo-model","messages":[{"role":"user","content":"Hello"}]}'
  curl -s http://127.0.0.1:${port}/v1/messages -H 'x-api-key: sk-demo-switchyard-local-demo-key' -H 'anthropic-version: 2023-06-01' \\
    -H 'content-type: application/json' -d '{"model":"demo-claude","max_tokens":64,"messages":[{"role":"user","content":"Hello"}]}'`;
}
