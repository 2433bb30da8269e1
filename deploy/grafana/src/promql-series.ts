/**
 * The metric names a PromQL expression reads, for the check that dashboards and alert rules
 * name only series Switchyard exposes. A small scanner, not a parser: it blanks out what cannot
 * hold a metric name (string literals, label matchers, ranges, grouping label lists) and keeps
 * the identifiers that are not functions, aggregations, keywords or Grafana variables. Syntax is
 * checked elsewhere, by promtool and the real Prometheus of the e2e test.
 */
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan', 'start', 'end']);

export function seriesIn(expr: string): string[] {
  if (/__name__/.test(expr)) throw new Error(`a selector by __name__ hides the series it reads: ${expr}`);
  const blanked = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  // An identifier not glued to a number (5m, 1e3), a variable ($model) or another name.
  for (const m of blanked.matchAll(/(?<![\w.$:])[a-zA-Z_:][\w:]*/g)) {
    const rest = blanked.slice((m.index ?? 0) + m[0].length);
    if (/^\s*\(/.test(rest) || KEYWORDS.has(m[0].toLowerCase())) continue;
    names.add(m[0]);
  }
  return [...names];
}
