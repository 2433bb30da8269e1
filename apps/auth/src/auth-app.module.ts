import { type DynamicModule, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AuthService, PrismaKeySource, RedisQuotaStore } from '@switchyard/auth';
import { requireEnv, type SwitchyardEnv } from '@switchyard/config';
import { Database, DbModule } from '@switchyard/db';
import { DependencyHealthMonitor, GrpcHealthController, GrpcHealthService } from '@switchyard/grpc';
import { AUTH_PORT } from '@switchyard/ir';
import { RedisConfigChangeBus, RedisHealthProbe } from '@switchyard/queue';
import { AuthController } from './auth.controller';

/**
 * Cluster auth (docs/architecture.md §1 and §6): admission from the key cache, limits counted in
 * the shared Redis.
 */
@Module({})
export class AuthAppModule implements OnApplicationShutdown {
  constructor(
    @Inject(AUTH_PORT) private readonly auth: AuthService,
    @Inject(RedisConfigChangeBus) private readonly bus: RedisConfigChangeBus,
  ) {}

  static forRoot(env: SwitchyardEnv, health: GrpcHealthService): DynamicModule {
    const redisUrl = requireEnv('REDIS_URL', env.REDIS_URL);
    return {
      module: AuthAppModule,
      imports: [DbModule.forRoot({ databaseUrl: requireEnv('DATABASE_URL', env.DATABASE_URL), migrate: true })],
      controllers: [AuthController, GrpcHealthController],
      providers: [
        { provide: GrpcHealthService, useValue: health },
        {
          provide: AUTH_PORT,
          inject: [Database],
          useFactory: async (db: Database) => {
            // Every auth replica counts in the same Redis: limits hold whatever the number of replicas.
            const auth = new AuthService(new PrismaKeySource(db), {
              quota: new RedisQuotaStore(redisUrl),
              leaseMs: env.SWITCHYARD_QUOTA_LEASE_MS,
              failOpen: env.SWITCHYARD_QUOTA_ON_ERROR === 'open',
            });
            await auth.start();
            return auth;
          },
        },
        {
          provide: RedisConfigChangeBus,
          inject: [AUTH_PORT],
          useFactory: (auth: AuthService) => {
            const bus = new RedisConfigChangeBus(redisUrl);
            const log = new Logger('auth');
            // Keys and prices (budgets are reserved at them) reload as soon as a change is announced.
            bus.subscribe(() => void auth.invalidate().catch((e: unknown) => log.warn(`reload after a configuration change failed: ${String(e)}`)));
            return bus;
          },
        },
        {
          provide: DependencyHealthMonitor,
          inject: [Database],
          useFactory: (db: Database) => new DependencyHealthMonitor(health, [{ name: 'database', check: () => db.ping() }, new RedisHealthProbe(redisUrl)]),
        },
      ],
    };
  }

  // After the transport drained (the database is closed by DbModule).
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.bus.close(), this.auth.close()]);
  }
}
