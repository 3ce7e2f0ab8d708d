// Temporal's stores as raw bytes, to search for what must not be there in clear: the dev server's SQLite files as they
// lie on disk, and every value of every table of a PostgreSQL database as the server returns it (bytea as its bytes,
// after any TOAST compression is undone, so that compression cannot hide plain text).
import { readFile, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import pg from 'pg';

/** The SQLite file and its -wal and -shm companions. */
export async function sqliteBytes(file: string): Promise<Buffer> {
  const names = (await readdir(dirname(file))).filter((name) => name.startsWith(basename(file)));
  return Buffer.concat(await Promise.all(names.map((name) => readFile(join(dirname(file), name)))));
}

export async function postgresBytes(url: string): Promise<Buffer> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const tables = await db.query<{ name: string }>(
      "select quote_ident(table_name) as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'",
    );
    const parts: Buffer[] = [];
    for (const { name } of tables.rows)
      for (const row of (await db.query(`select * from ${name}`)).rows as Record<string, unknown>[])
        for (const value of Object.values(row))
          parts.push(Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value) ?? ''));
    return Buffer.concat(parts);
  } finally {
    await db.end();
  }
}

/** Which of `needles` occur in `bytes`. */
export function found(bytes: Buffer, needles: string[]): string[] {
  return needles.filter((needle) => bytes.includes(needle));
}
