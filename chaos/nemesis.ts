// The nemesis: while the storm runs it SIGKILLs a random worker every 5–15 s and starts a new one, restarts PostgreSQL
// once and temporal-server once. Every choice comes from one seeded generator, so a seed replays the same schedule.
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export interface Fault {
  /** Seconds since the nemesis started. */
  at: number;
  what: string;
  /** How long the fault took to inject and recover from (the restart), in seconds. */
  took: number;
}

export interface Target {
  workerCount(): number;
  killAndReplaceWorker(index: number): Promise<void>;
  restartPostgres(): Promise<void>;
  restartTemporal(): Promise<void>;
}

export class Nemesis {
  readonly faults: Fault[] = [];
  private readonly rng: ReturnType<typeof xoroshiro128plus>;
  private readonly started = performance.now();
  private stopped = false;
  private running: Promise<void> | undefined;

  private readonly target: Target;
  private readonly spanSeconds: number;
  private readonly log: (line: string) => void;

  /** `spanSeconds`: the two restarts fall inside it (PostgreSQL in its first half, temporal-server in its second). */
  constructor(seed: number, target: Target, spanSeconds: number, log: (line: string) => void) {
    this.rng = xoroshiro128plus(seed);
    this.target = target;
    this.spanSeconds = spanSeconds;
    this.log = log;
  }

  start(): void {
    const half = Math.max(2, Math.floor(this.spanSeconds / 2));
    const restarts = [
      { at: uniformInt(this.rng, 1, half), what: 'restart PostgreSQL', run: () => this.target.restartPostgres() },
      {
        at: uniformInt(this.rng, half, 2 * half),
        what: 'restart temporal-server',
        run: () => this.target.restartTemporal(),
      },
    ];
    this.running = this.loop(restarts);
  }

  async stop(): Promise<Fault[]> {
    this.stopped = true;
    await this.running;
    return this.faults;
  }

  private async loop(restarts: { at: number; what: string; run: () => Promise<void> }[]): Promise<void> {
    let nextKill = uniformInt(this.rng, 5, 15);
    // Stopping waits for the restarts still to come: each is injected once in every run.
    while (!this.stopped || restarts.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const now = this.elapsed();
      const due = restarts.find((r) => r.at <= now);
      if (due) {
        restarts.splice(restarts.indexOf(due), 1);
        await this.inject(due.what, due.run);
      } else if (now >= nextKill) {
        const index = uniformInt(this.rng, 0, this.target.workerCount() - 1);
        await this.inject(`SIGKILL worker ${index + 1}, start a new one`, () =>
          this.target.killAndReplaceWorker(index),
        );
        nextKill = this.elapsed() + uniformInt(this.rng, 5, 15);
      }
    }
  }

  private async inject(what: string, run: () => Promise<void>): Promise<void> {
    const at = this.elapsed();
    this.log(`nemesis: ${what} (at ${at.toFixed(0)} s)`);
    const began = performance.now();
    await run();
    this.faults.push({ at, what, took: (performance.now() - began) / 1000 });
  }

  private elapsed(): number {
    return (performance.now() - this.started) / 1000;
  }
}
