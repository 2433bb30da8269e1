import { requestAuditCsv } from './request-audit.csv';
import type { RequestAuditView } from './request-audit.routes';

const row: RequestAuditView = {
  requestId: 'r1', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z', tenantId: 'acme', keyId: 'k1',
  clientIp: '10.0.0.1', clientRequestId: '=HYPERLINK("http://x")', endpoint: '/v1/chat/completions', dialect: 'openai', model: 'a,b "c"',
  providerId: null, deploymentId: null, deploymentRegion: null, dataRegions: ['eu', 'us'], region: 'eu', outcome: 'ok', httpStatus: 200,
  errorKind: null, piiAction: 'mask', piiCategories: ['email'], bodiesCaptured: false,
};

describe(requestAuditCsv.name, () => {
  it('writes a header and one quoted, formula-safe line per row', () => {
    const [header, line] = requestAuditCsv([row]).split('\r\n');

    expect(header?.split(',')[0]).toBe('requestId');
    expect(line).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(line).toContain('"a,b ""c"""');
    expect(line).toContain(',eu;us,');
    expect(line).toMatch(/,,,,eu;us,/);
  });
});
