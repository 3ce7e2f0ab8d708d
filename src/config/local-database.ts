// The database `npm start` runs (tools/infra/postgres.ts): the default of every process that DATABASE_URL leaves unset.
// Port 5433 leaves a system PostgreSQL on 5432 alone.
export const LOCAL_PG_PORT = 5433;
export const LOCAL_PG_PASSWORD = 'seqr';

/** A database of the local server. */
export const localDatabaseUrl = (port: number, database: string) =>
  `postgresql://postgres:${LOCAL_PG_PASSWORD}@127.0.0.1:${port}/${database}`;

export const LOCAL_DATABASE_URL = localDatabaseUrl(LOCAL_PG_PORT, 'seqr_cashback');
