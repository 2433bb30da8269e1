import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AdminModule, type OidcOptions } from '@switchyard/admin';
import { UsageQuery } from '@switchyard/billing';
import { loadSwitchyardEnv, outboundPolicyOf } from '@switchyard/config';
import type { Database } from '@switchyard/db';
import { RedisConfigChangeBus } from '@switchyard/queue';

export interface AdminReplica {
  url: string;
  close(): Promise<void>;
}

export interface AdminReplicaOptions {
  db: Database;
  /** The region's Redis: replicas on one URL hear each other's announcements. */
  redisUrl: string;
  bootstrapToken: string;
  oidc?: OidcOptions;
  configFeedPollMs?: number;
}

/**
 * The admin API as the ingress mounts it (AdminModule on Fastify), in this process, on a real
 * Postgres and a real Redis config bus: a replica of a region, for tests about the admin API's
 * own behaviour (roles, token caches) that need no tenant traffic.
 */
export async function startAdminReplica(o: AdminReplicaOptions): Promise<AdminReplica> {
  const bus = new RedisConfigChangeBus(o.redisUrl);
  const app = await NestFactory.create<NestFastifyApplication>(
    AdminModule.forRoot({
      token: o.bootstrapToken,
      oidc: o.oidc,
      configFeedPollMs: o.configFeedPollMs,
      db: o.db,
      bus,
      billing: new UsageQuery(o.db),
      secretBox: undefined,
      outbound: outboundPolicyOf(loadSwitchyardEnv({})),
    }),
    new FastifyAdapter(),
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  await bus.ready();
  const address = app.getHttpServer().address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      await app.close();
      await bus.close();
    },
  };
}
