import { createDatabase } from './create-database';

describe(createDatabase.name, () => {
  it('opens Postgres for a postgresql:// URL, without connecting yet', async () => {
    const db = await createDatabase({ databaseUrl: 'postgresql://nobody@127.0.0.1:1/none?connection_limit=3' });
    expect(db.kind).toBe('postgres');
    await db.close();
  });

  it('refuses a URL that is not postgresql://, rather than silently falling back to PGlite', async () => {
    await expect(createDatabase({ databaseUrl: 'mysql://localhost/db' })).rejects.toThrow('DATABASE_URL must start with postgresql://');
  });

  it('names connection_limit when it is not a positive integer', async () => {
    await expect(createDatabase({ databaseUrl: 'postgres://localhost/db?connection_limit=0' })).rejects.toThrow(
      'connection_limit must be a positive integer, got "0"',
    );
  });
});
