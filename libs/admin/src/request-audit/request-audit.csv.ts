import type { RequestAuditView } from './request-audit.routes';

const COLUMNS: readonly (keyof RequestAuditView)[] = [
  'requestId', 'startedAt', 'finishedAt', 'tenantId', 'keyId', 'clientIp', 'clientRequestId', 'endpoint', 'dialect', 'model', 'providerId',
  'deploymentId', 'deploymentRegion', 'dataRegions', 'region', 'outcome', 'httpStatus', 'errorKind', 'piiAction', 'piiCategories', 'bodiesCaptured',
];

/** RFC 4180 CSV of audit rows, header first; lists joined with `;`. */
export function requestAuditCsv(rows: readonly RequestAuditView[]): string {
  const lines = [COLUMNS.join(',')];
  for (const row of rows) lines.push(COLUMNS.map((c) => cell(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = Array.isArray(value) ? value.join(';') : String(value);
  // A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR) is made text: client-chosen
  // values (a caller's request id, a model name) reach this file (OWASP "CSV injection").
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
