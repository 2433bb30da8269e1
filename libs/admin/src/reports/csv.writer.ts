/**
 * RFC 4180 CSV: a header and rows, CRLF line ends, a field quoted only when it holds a comma,
 * a quote or a line break (then quotes are doubled). Ids and model names come from clients, so
 * every field goes through the quoting.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return [header, ...rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}

function field(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** True when the client asked for CSV (`Accept: text/csv`); JSON otherwise. */
export function wantsCsv(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => part.trim().split(';')[0]?.trim().toLowerCase() === 'text/csv');
}
