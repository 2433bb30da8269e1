import type { z } from 'zod';
import { ConfigError } from './config.error';
import { describeZodIssue, formatIssue, fromZodIssues } from './config-issue.formatter';

/**
 * Validates the process environment against `schema` once, at boot, and returns the typed
 * settings. Only the variables the schema declares are read. A variable set to the empty
 * string counts as unset: that is how compose files and Helm charts leave a value out.
 * Every bad variable is reported at once, one per line (`PORT: expected an integer 1-65535, got "abc"`).
 */
export function loadProcessEnv<Schema extends z.ZodObject>(
  schema: Schema,
  env: NodeJS.ProcessEnv = process.env,
): z.output<Schema> {
  const input: Record<string, string> = {};
  for (const name of Object.keys(schema.shape)) {
    const value = env[name];
    if (value !== undefined && value !== '') input[name] = value;
  }
  const parsed = schema.safeParse(input, { error: describeZodIssue });
  if (!parsed.success) throw new ConfigError(fromZodIssues(parsed.error.issues).map(formatIssue));
  return parsed.data;
}
