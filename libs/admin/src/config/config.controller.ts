import { Controller, Inject, UseFilters, UseGuards } from '@nestjs/common';
import { ConfigError, enforceEnvReferences, parseConfig, resolveSecret } from '@switchyard/config';
import { type ConfigChange, applyConfig, configTopicsOf } from '@switchyard/db';
import { ADMIN_OPTIONS, type AdminOptions } from '../admin.options';
import { AdminError } from '../http/admin.error';
import { AdminErrorFilter } from '../http/admin-error.filter';
import { AdminInput } from '../http/admin-input.decorator';
import { AdminRoute, type RouteInput, type RouteOutput } from '../http/admin-route';
import { AdminTokenGuard } from '../http/admin-token.guard';
import { applyConfigFile } from './config.routes';


/** POST /admin/v1/config/apply: a file applied by the running server (docs/architecture.md §4, Reload). */
@Controller()
@UseGuards(AdminTokenGuard)
@UseFilters(AdminErrorFilter)
export class ConfigController {
  constructor(@Inject(ADMIN_OPTIONS) private readonly options: Pick<AdminOptions, 'db' | 'bus' | 'secretBox' | 'outbound'>) {}

  @AdminRoute(applyConfigFile)
  async apply(@AdminInput() { body, audit }: RouteInput<typeof applyConfigFile>): Promise<RouteOutput<typeof applyConfigFile>> {
    let changes: ConfigChange[];
    try {
      const config = parseConfig(body.config, body.source, { outbound: this.options.outbound });
      // As `switchyard apply`: only the tenant keys must resolve here (they are hashed); upstream
      // keys are stored as references and the admin token is the serving process's business.
      enforceEnvReferences(config, body.source, { allowUnresolved: false, skipAdminToken: true, skipUpstreamKeys: true });
      changes = await applyConfig(this.options.db.prisma, config, { dryRun: body.dryRun, resolveSecret: (ref) => resolveSecret(ref), actor: audit.actor, secretBox: this.options.secretBox, source: body.source });
    } catch (err) {
      if (err instanceof ConfigError) throw AdminError.invalid(err.problems.join('\n'));
      if (err instanceof Error && /resolves to nothing|characters long|is the same key as/.test(err.message)) throw AdminError.invalid(err.message);
      throw err;
    }
    if (!body.dryRun) {
      const topics = configTopicsOf(changes);
      for (const topic of topics) await this.options.bus.publish(topic);
    }
    return { dryRun: body.dryRun, changes: changes.map((c) => ({ ...c })) };
  }
}
