import { status as Status } from '@grpc/grpc-js';
import { HealthCheckResponse_ServingStatus as ServingStatus, HealthDefinition } from '@switchyard/ir';
import { GrpcHealthClient } from './grpc-health.client';
import { GrpcHealthService, OVERALL_HEALTH } from './grpc-health.service';
import { GrpcServerHost } from './grpc-server.host';

const AUTH = 'switchyard.auth.v1.AuthService';

describe(GrpcHealthService.name, () => {
  let sut: GrpcHealthService;

  beforeEach(() => {
    sut = new GrpcHealthService([AUTH]);
  });

  it('starts NOT_SERVING for the server and each service, until told otherwise', async () => {
    await expect(sut.check({ service: '' })).resolves.toEqual({ status: ServingStatus.NOT_SERVING });
    await expect(sut.check({ service: AUTH })).resolves.toEqual({ status: ServingStatus.NOT_SERVING });
    sut.setAll(ServingStatus.SERVING);
    await expect(sut.check({ service: '' })).resolves.toEqual({ status: ServingStatus.SERVING });
    await expect(sut.check({ service: AUTH })).resolves.toEqual({ status: ServingStatus.SERVING });
  });

  it('fails Check for an unknown service with NOT_FOUND', async () => {
    await expect(sut.check({ service: 'nope.v1.Nope' })).rejects.toMatchObject({ message: 'unknown service nope.v1.Nope' });
  });

  it('Watch sends the current status, then each change (not repeats), and ends when the caller goes away', async () => {
    const caller = new AbortController();
    const seen: ServingStatus[] = [];
    const watching = (async () => {
      for await (const { status } of sut.watch({ service: AUTH }, caller.signal)) seen.push(status ?? ServingStatus.UNKNOWN);
    })();
    await tick();
    sut.set(AUTH, ServingStatus.SERVING);
    sut.set(AUTH, ServingStatus.SERVING);
    await tick();
    sut.set(AUTH, ServingStatus.NOT_SERVING);
    await tick();
    caller.abort();
    await watching;
    expect(seen).toEqual([ServingStatus.NOT_SERVING, ServingStatus.SERVING, ServingStatus.NOT_SERVING]);
  });

  it('Watch of an unknown service says SERVICE_UNKNOWN and keeps the call open', async () => {
    const caller = new AbortController();
    const iterator = sut.watch({ service: 'nope.v1.Nope' }, caller.signal)[Symbol.asyncIterator]();
    await expect(iterator.next()).resolves.toEqual({ done: false, value: { status: ServingStatus.SERVICE_UNKNOWN } });
    const next = iterator.next();
    caller.abort();
    await expect(next).resolves.toEqual({ done: true, value: undefined });
  });

  it('shutdown reports NOT_SERVING to watchers, ends their streams and cannot be undone', async () => {
    sut.setAll(ServingStatus.SERVING);
    const seen: ServingStatus[] = [];
    const watching = (async () => {
      for await (const { status } of sut.watch({ service: OVERALL_HEALTH }, new AbortController().signal)) seen.push(status ?? ServingStatus.UNKNOWN);
    })();
    await tick();
    sut.shutdown();
    await watching;
    expect(seen).toEqual([ServingStatus.SERVING, ServingStatus.NOT_SERVING]);
    sut.setAll(ServingStatus.SERVING);
    await expect(sut.check({ service: '' })).resolves.toEqual({ status: ServingStatus.NOT_SERVING });
  });

  it('answers a real grpc.health.v1 client over grpc-js, Check and Watch', async () => {
    const host = new GrpcServerHost().add(HealthDefinition, { check: (r) => sut.check(r), watch: (r, s) => sut.watch(r, s) });
    const port = await host.start('127.0.0.1', 0);
    const client = new GrpcHealthClient(`127.0.0.1:${port}`);
    try {
      await expect(client.check()).resolves.toBe(ServingStatus.NOT_SERVING);
      await expect(client.check('nope.v1.Nope')).rejects.toMatchObject({ code: Status.NOT_FOUND });
      const caller = new AbortController();
      const iterator = client.watch(AUTH, caller.signal)[Symbol.asyncIterator]();
      await expect(iterator.next()).resolves.toMatchObject({ value: ServingStatus.NOT_SERVING });
      sut.setAll(ServingStatus.SERVING);
      await expect(iterator.next()).resolves.toMatchObject({ value: ServingStatus.SERVING });
      await expect(client.check(AUTH)).resolves.toBe(ServingStatus.SERVING);
      caller.abort();
      await expect(iterator.next()).resolves.toMatchObject({ done: true });
    } finally {
      client.close();
      await host.stop(100);
    }
  });
});

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
