import { Inject, Injectable } from '@nestjs/common';
import type { AdminGate, AdminGateRefusal } from '@switchyard/shared';
import { ADMIN_OPTIONS, type AdminOptions } from '../admin.options';
import { AdminError } from '../http/admin.error';
import { AdminPrincipalResolver } from './admin-principal.resolver';

/**
 * The admin API's credentials for operator views mounted outside it (the ingress's routing
 * health and /metrics): platform and read-only admins may read them; tenant admins may not, as
 * they name every model, provider and deployment.
 */
@Injectable()
export class AdminReaderGate implements AdminGate {
  constructor(
    @Inject(ADMIN_OPTIONS) private readonly options: Pick<AdminOptions, 'token'>,
    private readonly principals: AdminPrincipalResolver,
  ) {}

  async admitReader(authorization: string | undefined): Promise<AdminGateRefusal | undefined> {
    try {
      if (!this.options.token) throw AdminError.notFound('The admin API is disabled: no admin token is configured.');
      const principal = await this.principals.resolve(authorization);
      if (principal.role === 'tenant') throw AdminError.forbidden(`the admin token "${principal.name}" administers one tenant: operator views concern the whole platform`);
      return undefined;
    } catch (error) {
      if (error instanceof AdminError) return { status: error.status, body: error.toBody() };
      throw error;
    }
  }
}
