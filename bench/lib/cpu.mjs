// CPU time of the processes under test, read from /proc/<pid>/stat (utime + stime) around each
// measured pass, so a cell reports what the gateway and the simulator spent per request and
// not just how fast the client saw answers. Linux only; elsewhere the figures are null.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

// utime/stime are in clock ticks: 100 per second on every common Linux build, but ask.
const TICK_MS = (() => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const hz = Number(r.stdout?.trim());
  return 1000 / (Number.isFinite(hz) && hz > 0 ? hz : 100);
})();

/** Total CPU milliseconds (user + system) a process has used so far, or null. */
export function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses; the fields after its closing
    // parenthesis start at field 3 (state), so utime (14) and stime (15) are at 11 and 12.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

/** CPU milliseconds the whole machine has been busy (all cores, all processes), or null. */
export function machineBusyMs() {
  try {
    // First line of /proc/stat: "cpu user nice system idle iowait irq softirq steal ...".
    const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    return (user + nice + system + irq + softirq + steal) * TICK_MS;
  } catch {
    return null;
  }
}

/** The bench process's own CPU milliseconds (the load generator). */
export function selfCpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Snapshot of named groups of pids; `.since()` gives the CPU ms each group and each process
 * used in between, the client's, and the rest of the machine's. Groups: { gateway: [{name, pid}], … }.
 */
export function cpuSnapshot(groups) {
  const read = () => {
    const out = { client: selfCpuMs() };
    for (const [group, procs] of Object.entries(groups)) {
      out[group] = Object.fromEntries(procs.map((p) => [p.name, processCpuMs(p.pid)]));
    }
    return out;
  };
  const before = read();
  const machineBefore = machineBusyMs();
  const startedAt = process.hrtime.bigint();
  return {
    since() {
      const after = read();
      const machineAfter = machineBusyMs();
      const wallMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
      const result = { clientMs: after.client - before.client, wallMs, groups: {} };
      let ours = result.clientMs;
      for (const group of Object.keys(groups)) {
        const byProcess = {};
        let total = 0;
        for (const name of Object.keys(after[group])) {
          const a = after[group][name];
          const b = before[group][name];
          byProcess[name] = a === null || b === null ? null : a - b;
          total = total === null || byProcess[name] === null ? null : total + byProcess[name];
        }
        result.groups[group] = { totalMs: total, byProcess };
        ours = ours === null || total === null ? null : ours + total;
      }
      // Everything else the machine did meanwhile: Postgres and Redis for the cluster, and any
      // neighbour (a compiler, a test run) that makes the figures untrustworthy.
      result.otherMs = machineBefore === null || machineAfter === null || ours === null ? null : Math.max(0, machineAfter - machineBefore - ours);
      result.otherShare = result.otherMs === null ? null : result.otherMs / (wallMs * cpus().length);
      return result;
    },
  };
}
