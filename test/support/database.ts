// Test databases: an isolated database on DATABASE_URL's server when set, else a fresh local PostgreSQL, dropped on
// stop.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { withSession } from '../../src/db/pg-session.ts';
import { startLocalPostgres, type RunningPostgres } from '../../tools/infra/postgres.ts';

function withAdmin<T>(serverUrl: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const adminUrl = new URL(serverUrl);
  adminUrl.pathname = '/postgres';
  return withSession(adminUrl.toString(), work);
}

/** A throwaway database on an existing server (DATABASE_URL), dropped on stop: each test run is isolated. */
export async function isolatedDatabaseOn(serverUrl: string): Promise<RunningPostgres> {
  const name = `seqr_test_${randomBytes(4).toString('hex')}`;
  await withAdmin(serverUrl, (admin) => admin.query(`create database "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    stop: () =>
      withAdmin(serverUrl, (admin) => admin.query(`drop database if exists "${name}" with (force)`)).then(
        () => undefined,
      ),
  };
}

export async function testDatabase(): Promise<RunningPostgres> {
  const external = process.env.DATABASE_URL;
  return external ? isolatedDatabaseOn(external) : startLocalPostgres();
}

/** Opens, blocks or closes a user's Seqr Account (creating it if need be), as the account service would. */
export async function setAccountStatus(
  databaseUrl: string,
  userId: string,
  status: 'open' | 'closed' | 'blocked',
): Promise<void> {
  await withSession(databaseUrl, (db) =>
    db.query(
      'insert into seqr_account (user_id, status) values ($1, $2) on conflict (user_id) do update set status = excluded.status',
      [userId, status],
    ),
  );
}

export { inSnapshot } from '../../src/db/pg-session.ts';
