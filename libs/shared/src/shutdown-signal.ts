/**
 * Runs `drain` once, on the first SIGTERM or SIGINT, then exits 0 — or 1 when draining failed,
 * so an orchestrator sees the difference. What Kubernetes expects of a pod being stopped. Later
 * signals are ignored while the drain runs (it is bounded): a Ctrl-C in a terminal reaches a
 * process both from the terminal and from the script that started it, and a second signal
 * must not cut the drain short (only SIGKILL does).
 */
export function onShutdownSignal(drain: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    drain(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`shutdown failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
