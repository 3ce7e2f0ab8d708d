// The hand-written migrations and the entities must describe the same schema: MikroORM compares the migrated database
// with the entity metadata and reports any SQL it would still need.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openOrm } from '../../src/db/orm.ts';

let orm: MikroORM;
beforeAll(async () => {
  orm = await openOrm(inject('databaseUrl'), { poolMax: 1 });
});
afterAll(async () => {
  await orm.close();
});

describe('database schema', () => {
  it('the migrated schema matches the entities: no migration is needed', async () => {
    const { up } = await orm.schema.getUpdateSchemaMigrationSQL({ wrap: false });
    expect(up.trim(), `the entities need this SQL that no migration applies:\n${up}`).toBe('');
    expect(await orm.migrator.checkSchema()).toBe(false);
  });
});
