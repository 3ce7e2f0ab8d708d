// Program versions: each statement records the version its quarter was closed under, as a column finance can group by.
// Every statement before this migration was closed under version 1, the only one there was.
import { Migration } from '@mikro-orm/migrations';

export class ProgramVersions extends Migration {
  override name = '20261126000000_program_versions';

  override up(): void {
    this.addSql('alter table quarter_statement add column program_version integer not null default 1');
    this.addSql('alter table quarter_statement alter column program_version drop default');
    this.addSql(
      `update quarter_statement set statement = statement || '{"programVersion": 1}'::jsonb
        where not statement ? 'programVersion'`,
    );
  }
}
