import { Client } from 'pg';
import { openPostgres } from './postgres.driver';

const URL = process.env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

describe(openPostgres.name, () => {
  it('fails the session whose connection Postgres dropped, instead of crashing the process, and reconnects', async () => {
    const driver = openPostgres(URL);
    const admin = new Client({ connectionString: URL });
    await admin.connect();
    try {
      const attempt = driver.sessions.withSession(async (session) => {
        const [row] = await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        // As a Postgres restart does: the server ends the connection while the session holds it between queries.
        await admin.query('SELECT pg_terminate_backend($1)', [row?.pid]);
        await new Promise((r) => setTimeout(r, 300));
        return session.query('SELECT 1');
      });

      await expect(attempt).rejects.toThrow(/terminat|not queryable/);
      expect(await driver.sessions.withSession((session) => session.query('SELECT 1 AS one'))).toEqual([{ one: 1 }]);
    } finally {
      await admin.end();
      await driver.sessions.close();
    }
  });
});
