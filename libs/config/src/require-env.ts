/** Cluster services cannot fall back to embedded defaults: name the missing variable and stop. */
export function requireEnv<T>(name: string, value: T | undefined): T {
  if (value === undefined || value === '') throw new Error(`${name} is required in cluster mode`);
  return value;
}
