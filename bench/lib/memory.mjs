// Resident memory of the processes under test, read from /proc/<pid>/status (VmRSS): what the
// operator's container limit has to hold. Linux only; elsewhere the figures are null.
import { readFileSync } from 'node:fs';

/** Resident set size of a process in MB, or null. */
export function processRssMb(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** RSS of each process of a target's gateway and their sum (null when any is unreadable). */
export function gatewayRss(gateway) {
  const byProcess = Object.fromEntries(gateway.map((c) => [c.name, processRssMb(c.pid)]));
  const values = Object.values(byProcess);
  const totalMb = values.length && values.every((v) => v !== null) ? values.reduce((a, b) => a + b, 0) : null;
  return { totalMb, byProcess };
}
