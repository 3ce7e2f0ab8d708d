// The hand-written migrations and the entities must describe the same schema: MikroORM compares the migrated database
// with the entity metadata and reports any SQL it would still need.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openOrm } from '../../src/db/orm.ts';
import { quarterPayoutStatuses } from '../../src/domain/payout-status.ts';

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

  // The released migration keeps the words it created the column with: this holds the domain's list to them.
  it("quarter_statement's CHECK constraint allows exactly the domain's payout statuses", async () => {
    const [constraint] = await orm.em.getConnection().execute<{ definition: string }[]>(
      `select pg_get_constraintdef(c.oid) as definition
         from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
        where c.conrelid = 'quarter_statement'::regclass and c.contype = 'c' and a.attname = 'payout_status'`,
    );
    expect(constraint, 'a CHECK constraint on quarter_statement.payout_status').toBeDefined();
    const allowed = [...constraint!.definition.matchAll(/'([^']*)'::text/g)].map((match) => match[1]);
    expect(allowed.sort(), constraint!.definition).toEqual([...quarterPayoutStatuses].sort());
  });
});
