import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from './config.error';
import { type ConfigIssue, describeZodIssue, formatIssue, fromZodIssues } from './config-issue.formatter';
import { DEFAULT_OUTBOUND_POLICY, type OutboundPolicy } from './outbound/outbound-policy.types';
import { checkConfig } from './switchyard-config.checks';
import { switchyardConfigSchema } from './switchyard-config.schema';
import type { SwitchyardConfig } from './switchyard-config.types';

/** What validation needs from the process: where providers may point and which keys they may read. */
export interface ConfigValidationOptions {
  /** The process's outbound policy (SWITCHYARD_OUTBOUND_*); the strict default when absent. */
  outbound?: OutboundPolicy;
}

/** Reads and validates a switchyard.yaml; problems are reported against `path` as given. */
export async function loadConfigFile(path: string, options: ConfigValidationOptions = {}): Promise<SwitchyardConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`${path}: cannot read the file (${reasonOf(error)})`]);
  }
  return parseConfig(text, path, options);
}

/** Parses and validates switchyard.yaml text; see {@link validateConfig}. */
export function parseConfig(text: string, sourceName: string, options: ConfigValidationOptions = {}): SwitchyardConfig {
  return validateConfig(parseYaml(text, sourceName) ?? {}, sourceName, options);
}

/**
 * Validates an already parsed document (YAML, or a JSON body on the admin API) and applies
 * the defaults. Throws a {@link ConfigError} listing every problem, each prefixed with
 * `sourceName` and the path inside the document. Cross-checks run once the shape is valid:
 * on a malformed document they would only add noise.
 */
export function validateConfig(value: unknown, sourceName: string, options: ConfigValidationOptions = {}): SwitchyardConfig {
  const fail = (issues: ConfigIssue[]) => new ConfigError(issues.map((issue) => `${sourceName}: ${formatIssue(issue)}`));
  const parsed = switchyardConfigSchema.safeParse(value, { error: describeZodIssue });
  if (!parsed.success) throw fail(fromZodIssues(parsed.error.issues));
  const issues = checkConfig(parsed.data, options.outbound ?? DEFAULT_OUTBOUND_POLICY);
  if (issues.length > 0) throw fail(issues);
  return parsed.data;
}

/** YAML syntax errors carry a line and column instead of a path: there is no document yet. */
function parseYaml(text: string, sourceName: string): unknown {
  const lineCounter = new LineCounter();
  // prettyErrors would add a multi-line source excerpt; ConfigError keeps one line per problem.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return `${sourceName}:${line}:${col}: ${error.message}`;
      }),
    );
  }
  try {
    return doc.toJS();
  } catch (error) {
    // e.g. an alias that expands past the yaml package's limit (a "billion laughs" file).
    throw new ConfigError([`${sourceName}: ${reasonOf(error)}`]);
  }
}

// Not `instanceof Error`: errors raised by Node's fs can come from another realm (Jest's vm).
function reasonOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
}
