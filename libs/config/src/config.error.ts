/**
 * A configuration that cannot be used: a bad `switchyard.yaml`, a bad environment variable or
 * a missing secret. Every problem found is reported at once, one per line, each naming where
 * it is (`switchyard.yaml: models[0].deployments[1].provider: unknown provider "x"`), so an
 * operator fixes the file in one pass instead of one restart per mistake.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}
