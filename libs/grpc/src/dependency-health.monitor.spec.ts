import { HealthCheckResponse_ServingStatus as ServingStatus } from '@switchyard/ir';
import { type DependencyProbe, DependencyHealthMonitor } from './dependency-health.monitor';
import { GrpcHealthService } from './grpc-health.service';

const AUTH = 'switchyard.auth.v1.AuthService';

/** A dependency whose answer the test sets. */
class SwitchableProbe implements DependencyProbe {
  up = true;
  hang = false;
  closed = false;
  checks = 0;

  constructor(readonly name: string) {}

  check(): Promise<boolean> {
    this.checks++;
    if (this.hang) return new Promise(() => undefined);
    return this.up ? Promise.resolve(true) : Promise.reject(new Error(`${this.name} down`));
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

describe(DependencyHealthMonitor.name, () => {
  let health: GrpcHealthService;
  let db: SwitchableProbe;
  let redis: SwitchableProbe;
  let sut: DependencyHealthMonitor;

  beforeEach(() => {
    health = new GrpcHealthService([AUTH]);
    db = new SwitchableProbe('database');
    redis = new SwitchableProbe('redis');
    sut = new DependencyHealthMonitor(health, [db, redis], { intervalMs: 20, timeoutMs: 30 });
  });

  afterEach(() => sut.stop());

  it('reports SERVING, overall and per service, only while every dependency answers', async () => {
    await sut.start();
    expect(health.status('')).toBe(ServingStatus.SERVING);
    expect(health.status(AUTH)).toBe(ServingStatus.SERVING);

    redis.up = false;
    await sut.checkNow();
    expect(health.status('')).toBe(ServingStatus.NOT_SERVING);
    expect(health.status(AUTH)).toBe(ServingStatus.NOT_SERVING);

    redis.up = true;
    await sut.checkNow();
    expect(health.status('')).toBe(ServingStatus.SERVING);
  });

  it('counts a dependency that does not answer in time as down', async () => {
    db.hang = true;
    await sut.checkNow();
    expect(health.status('')).toBe(ServingStatus.NOT_SERVING);
  });

  it('checks again on its interval, not more often, and stops when told', async () => {
    await sut.start();
    redis.up = false;
    await new Promise((resolve) => setTimeout(resolve, 70));
    expect(health.status('')).toBe(ServingStatus.NOT_SERVING);
    // 70 ms at one round per 20 ms (plus the first): a handful, not a busy loop.
    expect(db.checks).toBeGreaterThanOrEqual(2);
    expect(db.checks).toBeLessThanOrEqual(5);
    sut.stop();
    const after = db.checks;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(db.checks).toBe(after);
  });

  it('with nothing to check is SERVING at once and keeps no timer', async () => {
    const alone = new DependencyHealthMonitor(health, [], { intervalMs: 1 });
    await alone.start();
    expect(health.status(AUTH)).toBe(ServingStatus.SERVING);
    alone.stop();
  });

  it('closes the probes it was given on shutdown', async () => {
    await sut.onApplicationShutdown();
    expect([db.closed, redis.closed]).toEqual([true, true]);
  });
});
