// One PostgreSQL session for a short piece of work outside the ORM (an advisory lock, creating a database, a check,
// a report): connected, used, and always closed.
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

/**
 * Runs `read` in one read-only REPEATABLE READ transaction: everything it compares (statements, transfers, postings) is
 * read in one snapshot, so a payout committing meanwhile cannot show up as a half-written violation.
 */
export async function inSnapshot<T>(connectionString: string, read: (db: pg.Client) => Promise<T>): Promise<T> {
  return withSession(connectionString, async (db) => {
    await db.query('begin transaction isolation level repeatable read read only');
    const result = await read(db);
    await db.query('commit');
    return result;
  });
}
