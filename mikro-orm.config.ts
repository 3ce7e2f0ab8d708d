// For the MikroORM CLI (`npx mikro-orm migration:check`, `schema:update --dump`, ...): the engine's own configuration,
// on DATABASE_URL, else the database `npm start` runs.
import { ormConfig } from './src/db/orm.ts';
import { LOCAL_DATABASE_URL } from './src/config/local-database.ts';

export default ormConfig(process.env.DATABASE_URL ?? LOCAL_DATABASE_URL);
