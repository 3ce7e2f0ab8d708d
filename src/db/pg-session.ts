// One PostgreSQL session for a short piece of work outside the ORM (an advisory lock, creating a database, a check):
// connected, used, and always closed.
import pg from 'pg';

export async function withSession<T>(connectionString: string, work: (session: pg.Client) => Promise<T>): Promise<T> {
  const session = new pg.Client({ connectionString });
  await session.connect();
  try {
    return await work(session);
  } finally {
    await session.end();
  }
}
