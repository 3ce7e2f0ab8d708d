// Program versions: each statement records the version its quarter was closed under, as a column finance can group by
// (every statement before this migration was closed under version 1, the only one there was); and the versions workers
// have deployed, so that a later deploy cannot change one (src/db/published-program.ts).
import { Migration } from '@mikro-orm/migrations';

export class ProgramVersions extends Migration {
  override name = '20261126000000_program_versions';

  override up(): void {
    this.addSql('alter table quarter_statement add column program_version integer not null default 1');
    this.addSql('alter table quarter_statement alter column program_version drop default');
    this.addSql(`create table published_program_version (
      version integer primary key,
      effective_from text not null,
      rules jsonb not null,
      created_at timestamptz not null default now())`);
    this.addSql(
      `update quarter_statement set statement = statement || '{"programVersion": 1}'::jsonb
        where not statement ? 'programVersion'`,
    );
  }
}
