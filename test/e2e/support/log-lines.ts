/** One JSON log line of a Switchyard process (pino): level, time, service, region, pid, msg, and its fields. */
export type LogLine = Record<string, unknown> & { level: string; msg?: string; service: string };

/**
 * The JSON lines in a process's captured output (stdout and stderr together), in order. Lines
 * that are not JSON (a fatal start-up error printed to stderr) are left out; `nonJson` lists them.
 */
export function logLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
}

export function nonJson(output: string): string[] {
  return output.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));
}

/** The messages of its log lines, for a check on what a process said. */
export function logMessages(output: string): string[] {
  return logLines(output).map((l) => l.msg ?? '');
}
