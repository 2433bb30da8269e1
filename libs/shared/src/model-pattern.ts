/** Matches a public model name against allowed patterns where `*` stands for any run of characters. */
export function modelAllowed(model: string, patterns: readonly string[]): boolean {
  if (patterns.length === 0) return true;
  for (const p of patterns) {
    if (p === '*' || p === model) return true;
    if (p.includes('*') && globToRegExp(p).test(model)) return true;
  }
  return false;
}

const cache = new Map<string, RegExp>();

function globToRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    cache.set(pattern, re);
  }
  return re;
}
