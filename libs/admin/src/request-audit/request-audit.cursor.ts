import { AdminError } from '../http/admin.error';

/** Where a page ended: the last row's start and request id (rows are ordered by both, newest first). */
export interface RequestAuditCursor {
  startedAt: Date;
  requestId: string;
}

export function encodeCursor(c: RequestAuditCursor): string {
  return Buffer.from(JSON.stringify([c.startedAt.toISOString(), c.requestId])).toString('base64url');
}

export function decodeCursor(text: string): RequestAuditCursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    const startedAt = new Date(String(at));
    if (typeof at === 'string' && typeof id === 'string' && !Number.isNaN(startedAt.getTime())) return { startedAt, requestId: id };
  } catch {
    // fall through to the 400
  }
  throw AdminError.invalid('cursor: not a cursor this API returned');
}
