const NONE: ReadonlySet<string> = new Set();

/**
 * RFC 4180 CSV: a header and rows, CRLF line ends, a field quoted only when it holds a comma,
 * a quote or a line break (then quotes are doubled). Ids and model names come from clients, so
 * every field goes through the quoting. A column is its JSON field in snake_case (`cost_usd` is
 * `costUsd`): the columns of the `withheld` fields (`RouteInput.withheld`) are left out.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number)[])[], withheld: ReadonlySet<string> = NONE): string {
  const keep = header.map((name) => !withheld.has(camelCase(name)));
  const kept = (row: readonly (string | number)[]) => (withheld.size === 0 ? row : row.filter((_, i) => keep[i] !== false));
  return [header, ...rows].map((row) => kept(row).map(field).join(',')).join('\r\n') + '\r\n';
}

function camelCase(column: string): string {
  return column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function field(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** True when the client asked for CSV (`Accept: text/csv`); JSON otherwise. */
export function wantsCsv(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => part.trim().split(';')[0]?.trim().toLowerCase() === 'text/csv');
}
