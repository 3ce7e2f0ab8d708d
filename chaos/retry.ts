// Calls that must get through restarts of the servers they talk to: the producer's sends (events are deduplicated by
// id) and the checks' reads. Backs off from 0.1 s to 2 s between attempts.
import { setTimeout as sleep } from 'node:timers/promises';

export async function persistently<T>(call: () => Promise<T>, attempts = 60): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await sleep(Math.min(2_000, 100 * attempt));
    }
  }
}
