import type { Logger } from '@nestjs/common';
import type { SecretBox, SwitchyardEnv } from '@switchyard/config';
import { resolveSecret, secretBoxWarnings } from '@switchyard/config';
import { type ConfigChange, type Database, applyConfig } from '@switchyard/db';
import type { ConfigChangeBus } from '@switchyard/queue';
import { basename } from 'node:path';
import { announceConfigChanges } from './apply.command';
import { formatConfigChanges } from './config-diff.format';
import { loadStartupConfig } from './startup-config';

export interface ConfigReloadOptions {
  env: SwitchyardEnv;
  db: Database;
  bus: ConfigChangeBus;
  secretBox?: SecretBox;
  log: Pick<Logger, 'log' | 'warn' | 'error'>;
}

/**
 * A running standalone reloads switchyard.yaml on SIGHUP (issue 19; docs/architecture.md §4):
 * the file is read and checked as at start, applied with the same ownership rules, the diff
 * logged, and the in-process services told to reload (config change bus). A file that does not
 * validate is refused with its problems and nothing changes; the server keeps running. Reloads
 * run one at a time (a second signal during one waits for it). `server` and `routing` are read
 * at start only: a change there takes a restart, and the log says so.
 */
export class ConfigReloader {
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly o: ConfigReloadOptions,
    private readonly started: { server: unknown; routing: unknown },
  ) {}

  reload(): Promise<ConfigChange[] | undefined> {
    const next = this.running.then(() => this.reloadNow());
    this.running = next.catch(() => undefined);
    return next;
  }

  private async reloadNow(): Promise<ConfigChange[] | undefined> {
    const { env, db, bus, secretBox, log } = this.o;
    try {
      const { config, source } = await loadStartupConfig(env);
      for (const warning of secretBoxWarnings(config, secretBox)) log.warn(warning);
      const changes = await applyConfig(db.prisma, config, { resolveSecret: (ref) => resolveSecret(ref), secretBox, source: basename(source) });
      log.log(`${source} reloaded (configOwnership: ${config.configOwnership ?? 'file'}):\n${formatConfigChanges(changes, { dryRun: false }).join('\n')}`);
      if (JSON.stringify(config.server) !== JSON.stringify(this.started.server) || JSON.stringify(config.routing) !== JSON.stringify(this.started.routing)) {
        log.warn(`${source}: server and routing settings are read at start only; restart to apply their changes`);
      }
      await announceConfigChanges(changes, bus);
      return changes;
    } catch (err) {
      log.error(`reload refused, nothing changed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }
}
