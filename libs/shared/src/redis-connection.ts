// Lifecycle of an ioredis connection a component created for itself, shared by the stores
// that own one (quota, response cache). Typed structurally so this pure lib imports no driver.

type Listener = (...args: unknown[]) => void;

export interface OwnedRedisConnection {
  readonly status: string;
  once(event: 'ready' | 'end', listener: Listener): unknown;
  off(event: 'ready' | 'end', listener: Listener): unknown;
  quit(): Promise<unknown>;
  disconnect(): void;
}

/** Resolves true once connected, false when the connection was closed first. */
export function redisConnectionReady(redis: OwnedRedisConnection): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  if (redis.status === 'end') return Promise.resolve(false);
  return new Promise((resolve) => {
    const onReady = () => done(true);
    const onEnd = () => done(false);
    const done = (ok: boolean) => {
      redis.off('ready', onReady);
      redis.off('end', onEnd);
      resolve(ok);
    };
    redis.once('ready', onReady);
    redis.once('end', onEnd);
  });
}

/** Quits and waits for the socket to close; a connection that is down is disconnected instead. */
export async function closeRedisConnection(redis: OwnedRedisConnection): Promise<void> {
  if (redis.status === 'end') return;
  const ended = new Promise((resolve) => redis.once('end', resolve));
  try {
    await redis.quit();
  } catch {
    // Without the offline queue quit() fails while disconnected; stop reconnecting instead
    // (there may be no socket whose close would end the connection, so do not wait for it).
    redis.disconnect();
    return;
  }
  // quit() resolves on Redis's OK, before the socket has closed.
  await ended;
}
