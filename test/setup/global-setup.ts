// Once per test run: an isolated PostgreSQL database with the schema migrated, shared with every test file.
import type { TestProject } from 'vitest/node';
import { testDatabase } from '../../src/infra/postgres.ts';
import { migrate, openOrm } from '../../src/db/orm.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const database = await testDatabase();
  const orm = await openOrm(database.url);
  await migrate(orm);
  await orm.close();
  project.provide('databaseUrl', database.url);
  return async () => {
    await database.stop();
  };
}
