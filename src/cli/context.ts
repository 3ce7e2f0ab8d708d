// What CLI commands need, opened on first use: the Temporal client and the database, from the environment.
import { Client, Connection } from '@temporalio/client';
import type { MikroORM } from '@mikro-orm/postgresql';
import { CashbackClient } from '../client/cashback-client.ts';
import { dataConverterOf } from '../codec/data-converter.ts';
import { localKeyFile, readEnvironment, type Environment } from '../config/environment.ts';
import { openOrm } from '../db/orm.ts';
import { LOCAL_DATABASE_URL } from '../config/local-database.ts';

export class CliContext {
  private environment?: Environment;
  private connection?: Connection;
  private orm?: MikroORM;

  /** Read on first use, so a bad variable is reported like any other error. */
  get env(): Environment {
    this.environment ??= readEnvironment();
    return this.environment;
  }

  /** The Temporal client, on the configured namespace. */
  async temporal(): Promise<Client> {
    this.connection ??= await Connection.connect(this.env.temporal.connectionOptions);
    return new Client({
      connection: this.connection,
      namespace: this.env.temporal.namespace,
      dataConverter: dataConverterOf(this.env),
    });
  }

  async cashback(): Promise<CashbackClient> {
    return new CashbackClient(await this.temporal(), this.env.TEMPORAL_TASK_QUEUE, {
      payoutWindowHours: this.env.PAYOUT_WINDOW_HOURS,
    });
  }

  /** The key file `keys` works on: --file, else PAYLOAD_KEY_FILE, else npm start's (read raw: it may not exist yet). */
  keyFile(explicit?: string): string {
    return explicit ?? (process.env.PAYLOAD_KEY_FILE || localKeyFile(process.env));
  }

  /** The database: DATABASE_URL, else the one `npm start` runs. */
  get databaseUrl(): string {
    return this.env.DATABASE_URL ?? LOCAL_DATABASE_URL;
  }

  async database(): Promise<MikroORM> {
    this.orm ??= await openOrm(this.databaseUrl, { poolMax: 2 });
    return this.orm;
  }

  async close(): Promise<void> {
    await this.connection?.close();
    await this.orm?.close();
  }
}
