// Every program version a worker has ever run, as it was first deployed: a later deploy must ship each one unchanged.
import { defineEntity, p } from '@mikro-orm/core';
import { createdAt } from './timestamps.ts';

export const PublishedProgramVersion = defineEntity({
  name: 'PublishedProgramVersion',
  tableName: 'published_program_version',
  properties: {
    version: p.integer().primary().autoincrement(false),
    effectiveFrom: p.text(),
    /** The version's rules and the program's time zone, as shipped. */
    rules: p.json<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
});
