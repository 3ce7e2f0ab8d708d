// `npm run contract`: regenerates contract/*.json from the zod schemas (commit the result).
import { mkdir, writeFile } from 'node:fs/promises';
import { contractDir, eventJsonSchemas, schemaFileOf } from './event-schemas.ts';
import type { EventType } from '../domain/events.ts';

await mkdir(contractDir, { recursive: true });
for (const [type, schema] of Object.entries(eventJsonSchemas())) {
  await writeFile(schemaFileOf(type as EventType), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${schemaFileOf(type as EventType)}`);
}
