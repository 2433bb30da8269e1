import type { ArgumentsHost } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { Prisma } from '@switchyard/db';
import { ErrorKind, IrError } from '@switchyard/ir';
import { AdminErrorFilter } from './admin-error.filter';
import { AdminError } from './admin.error';

function answer(exception: unknown): { status: number; body: unknown } {
  const sent: { status: number; body: unknown } = { status: 0, body: undefined };
  const reply = {
    code(status: number) {
      sent.status = status;
      return reply;
    },
    header: () => reply,
    send(body: unknown) {
      sent.body = body;
      return reply;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => reply, getRequest: () => ({ method: 'POST', url: '/admin/v1/tenants?x=1' }) }) } as unknown as ArgumentsHost;
  new AdminErrorFilter().catch(exception, host);
  return sent;
}

describe(AdminErrorFilter.name, () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('answers an AdminError with its status and type', () => {
    expect(answer(AdminError.conflict('taken'))).toEqual({ status: 409, body: { error: { type: 'conflict', message: 'taken' } } });
  });

  it('turns write races the services cannot pre-check into 409 and 404', () => {
    const known = (code: string) => new Prisma.PrismaClientKnownRequestError('db said so', { code, clientVersion: 'test' });
    expect(answer(known('P2002')).status).toBe(409);
    expect(answer(known('P2025')).status).toBe(404);
  });

  it('keeps a dependency refusal as a 400 and an outage as a 503', () => {
    expect(answer(IrError.invalid('fromDay: bad'))).toEqual({ status: 400, body: { error: { type: 'invalid_request', message: 'fromDay: bad' } } });
    expect(answer(new IrError(ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, 'billing down')).status).toBe(503);
  });

  it('answers anything unexpected with a bare 500, never its message', () => {
    expect(answer(new Error('connection string postgres://user:pw@db'))).toEqual({ status: 500, body: { error: { type: 'internal', message: 'internal error' } } });
  });
});
