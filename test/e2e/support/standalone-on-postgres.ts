import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { ProviderSimulator } from '@switchyard/testing';
import { createTestDatabase } from './postgres-harness';
import { type RunningApp, SIMULATOR_OUTBOUND_ENV, freePort, startApp, waitForReady } from './process-harness';

export type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;

export interface StandaloneOnPostgresOptions {
  /** Prefix of the fresh database's name (`sy_batches` → `sy_batches_<pid>_<time>`). */
  database: string;
  /** The switchyard.yaml, given the simulator's URL; written to a temporary folder. */
  config: (simulatorUrl: string) => string;
  /** The rest of the gateway's environment (its keys' variables, feature settings). */
  env?: Record<string, string>;
  /** A Redis database of the suite's own: emptied first, then the gateway's REDIS_URL. */
  redisUrl?: string;
  /** How long the first start may take to be ready. */
  readyMs?: number;
}

/**
 * The set-up most standalone e2e suites share: the provider simulator, a fresh database on the
 * real Postgres, optionally an emptied Redis database, and one standalone gateway on its own
 * port reading the suite's switchyard.yaml (with the simulator's outbound settings). `close`
 * takes it all down again, the gateway first.
 */
export class StandaloneOnPostgres {
  private constructor(
    readonly sim: ProviderSimulator,
    readonly db: TestDatabase,
    readonly baseUrl: string,
    /** The whole environment the gateway was started with. */
    readonly env: Record<string, string>,
    private running: RunningApp | undefined,
  ) {}

  static async start(o: StandaloneOnPostgresOptions): Promise<StandaloneOnPostgres> {
    const sim = await ProviderSimulator.start();
    const db = await createTestDatabase(o.database);
    if (o.redisUrl) {
      const redis = new Redis(o.redisUrl);
      await redis.flushdb();
      redis.disconnect();
    }
    const port = await freePort();
    const env: Record<string, string> = {
      ...SIMULATOR_OUTBOUND_ENV,
      SWITCHYARD_CONFIG: writeConfigFile(o.config(sim.url)),
      DATABASE_URL: db.url,
      ...(o.redisUrl ? { REDIS_URL: o.redisUrl } : {}),
      PORT: String(port),
      HOST: '127.0.0.1',
      ...o.env,
    };
    const gateway = new StandaloneOnPostgres(sim, db, `http://127.0.0.1:${port}`, env, undefined);
    try {
      await gateway.startAgain(o.readyMs ?? 90_000);
    } catch (err) {
      // The suite gets no gateway to close: nothing is left behind for it.
      await gateway.close();
      throw err;
    }
    return gateway;
  }

  /** The gateway's process (a new one after `startAgain`). */
  get app(): RunningApp {
    if (!this.running) throw new Error('the gateway is not started');
    return this.running;
  }

  /** Starts a gateway process on the same database, Redis and port (after the last one was stopped or killed). */
  async startAgain(readyMs = 90_000): Promise<void> {
    this.running = startApp('standalone', this.env);
    await waitForReady(this.baseUrl, this.running, readyMs);
  }

  /** The official openai SDK against this gateway, without retries (a test sees every answer). */
  openai(apiKey: string): OpenAI {
    return new OpenAI({ baseURL: `${this.baseUrl}/v1`, apiKey, maxRetries: 0 });
  }

  async close(): Promise<void> {
    await this.running?.stop();
    await this.sim.close();
    await this.db.drop();
  }
}

/** Writes a switchyard.yaml into a fresh temporary folder; returns its path (SWITCHYARD_CONFIG). */
export function writeConfigFile(yaml: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sy-e2e-standalone-')), 'switchyard.yaml');
  writeFileSync(path, yaml);
  return path;
}
