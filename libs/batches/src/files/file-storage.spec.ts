import { applyMigrations, DATABASE_KINDS } from '@switchyard/db';
import { randomBytes } from 'node:crypto';
import { openTestDatabase, type TestDatabase } from '../../../db/src/test-database.harness';
import { DatabaseFileStorage } from './file-storage';

describe.each(DATABASE_KINDS)(`${DatabaseFileStorage.name} on %s`, (kind) => {
  let t: TestDatabase;
  let sut: DatabaseFileStorage;

  beforeAll(async () => {
    t = await openTestDatabase(kind, 'file_storage');
    await applyMigrations(t.db);
    sut = new DatabaseFileStorage(t.db);
  }, 60_000);
  afterAll(() => t.dispose());

  it('gives back exactly the bytes it was given (any bytes, not only UTF-8), and nothing once deleted', async () => {
    const data = Buffer.concat([randomBytes(4096), Buffer.from([0, 255, 0xc3, 0x28])]);

    await sut.put('file-a', data);

    expect((await sut.get('file-a'))?.equals(data)).toBe(true);
    await sut.delete('file-a');
    expect(await sut.get('file-a')).toBeUndefined();
    await expect(sut.delete('file-a')).resolves.toBeUndefined();
  });
});
