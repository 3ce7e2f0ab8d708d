// What every benchmark case gets: the same Temporal server, PostgreSQL, the real cashback worker and a no-op baseline
// worker.
import type { Client } from '@temporalio/client';
import type pg from 'pg';
import { CashbackClient } from '../src/client/cashback-client.ts';
import type { WorkerProcess } from '../tools/infra/worker-process.ts';
import type { EngineProcesses } from './support.ts';

export interface BenchContext {
  quick: boolean;
  /** Overrides the storm's size (for profiling). */
  stormUsers?: number;
  /** Overrides how many alternating rounds ingestion and the storm run. */
  rounds?: number;
  /** Encrypts with the run's key ring, as every client of the cashback workers must (bench/payload-keys.ts). */
  client: Client;
  /**
   * Sends payloads in clear, as the no-op baseline worker reads them (it is Temporal's floor, without our codec): its
   * workflows are started and signalled through this one. Listing, counting and histories work through either.
   */
  plainClient: Client;
  cashback: CashbackClient;
  pool: pg.Pool;
  databaseUrl: string;
  address: string;
  cashbackQueue: string;
  noopQueue: string;
  worker: WorkerProcess;
  /**
   * The cashback worker's environment, to start more of them; the run's key ring is in it (PAYLOAD_KEYS), so it is
   * also what the HTTP front door and the CLI the cases start need.
   */
  workerEnv: NodeJS.ProcessEnv;
  /** Every process the engine runs on, for CPU accounting: the Temporal server, PostgreSQL, both workers. */
  engine: EngineProcesses;
  shape: 'dev' | 'cluster';
  /** Distinguishes this run's users and workflow ids from any earlier run's. */
  tag: string;
  log(line: string): void;
}
