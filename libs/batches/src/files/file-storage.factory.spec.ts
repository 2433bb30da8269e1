import type { Database } from '@switchyard/db';
import { S3_TEST_CREDENTIALS, S3TestServer } from '../../../testing/src/s3/s3-server.harness';
import { DatabaseFileStorage } from './file-storage';
import { openFileStorage } from './file-storage.factory';
import { S3FileStorage } from './s3-file-storage';

// The database is never touched here: the factory only hands it to the database storage.
const db = { kind: 'postgres' } as unknown as Database;

describe(openFileStorage.name, () => {
  const server = new S3TestServer('files');
  const saved = { region: process.env['AWS_REGION'], config: process.env['AWS_CONFIG_FILE'] };

  beforeAll(async () => {
    await server.start();
    // No region from the machine: only the settings count.
    delete process.env['AWS_REGION'];
    process.env['AWS_CONFIG_FILE'] = '/nonexistent/aws-config';
  });
  afterAll(async () => {
    if (saved.region === undefined) delete process.env['AWS_REGION'];
    else process.env['AWS_REGION'] = saved.region;
    if (saved.config === undefined) delete process.env['AWS_CONFIG_FILE'];
    else process.env['AWS_CONFIG_FILE'] = saved.config;
    await server.dispose();
  });

  it('keeps files in the database with no probe of its own (the database is checked already)', async () => {
    const opened = await openFileStorage({ store: 'database' }, db);

    expect(opened.storage).toBeInstanceOf(DatabaseFileStorage);
    expect(opened.probe).toBeUndefined();
  });

  it('opens the bucket with a "files bucket" probe that follows the server', async () => {
    const opened = await openFileStorage({ store: 's3', bucket: 'files', prefix: '', endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_TEST_CREDENTIALS }, db);
    try {
      expect(opened.storage).toBeInstanceOf(S3FileStorage);
      expect(opened.probe?.name).toBe('files bucket');
      expect(await opened.probe?.check()).toBe(true);
      await server.stop();
      expect(await opened.probe?.check()).toBe(false);
    } finally {
      await server.start();
      opened.close();
    }
  });

  it('refuses to start without a region, naming the setting', async () => {
    await expect(openFileStorage({ store: 's3', bucket: 'files', prefix: '', endpoint: server.endpoint, forcePathStyle: true }, db)).rejects.toThrow(/^SWITCHYARD_FILES_S3_REGION: required with SWITCHYARD_FILES_STORE=s3/);
  });
});
