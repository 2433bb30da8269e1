/**
 * The one line a process prints when it is up (issue 13), instead of Nest's line per module and
 * route: how it runs, where it listens, what it serves and what it depends on outside itself.
 */
export interface StartupSummary {
  /** `standalone`, `cluster ingress`, … */
  readonly mode: string;
  /** Where it listens, as URLs. */
  readonly listen: readonly string[];
  /** The configuration file applied at start, and what that changed. */
  readonly config?: string;
  /** The public models it serves, when this process knows them. */
  readonly models?: readonly string[];
  /** What it uses outside itself: name → address (never with credentials) or what stands in. */
  readonly external: Readonly<Record<string, string>>;
}

// A long catalogue is counted, not listed: the line stays one line.
const MODELS_LISTED = 8;

/** The summary as one human sentence (the structured fields go beside it). */
export function startupMessage(s: StartupSummary): string {
  const parts = [`switchyard ${s.mode} listening on ${s.listen.join(', ')}`];
  if (s.config !== undefined) parts.push(`config ${s.config}`);
  if (s.models !== undefined) parts.push(countedModels(s.models));
  const external = Object.entries(s.external).map(([name, where]) => `${name} ${where}`);
  if (external.length) parts.push(external.join(', '));
  return parts.join('; ');
}

/** "3 models: a, b, c". */
function countedModels(models: readonly string[]): string {
  return `${models.length} model${models.length === 1 ? '' : 's'}${models.length ? `: ${listedModels(models)}` : ''}`;
}

/** "a, b, c", or the first few and "…": a long catalogue is not listed whole, so the line stays one line. */
export function listedModels(models: readonly string[]): string {
  return `${models.slice(0, MODELS_LISTED).join(', ')}${models.length > MODELS_LISTED ? ', …' : ''}`;
}

/** A database, Redis or service URL fit for a log line: scheme, host, port and path, no user or password. */
export function addressOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    // Not a URL (a gRPC target like dns:///auth:50051 or host:port): it holds no credentials.
    return url.replace(/\/\/[^/@]*@/, '//');
  }
}
