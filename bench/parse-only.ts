// Baseline for the simulator benchmark: reads and parses the same file, applying no rule.
import { readEvents } from '../src/simulator/read-events.ts';

let events = 0;
for await (const batch of readEvents(process.argv[2]!)) for (const event of batch) if (!event.problem) events += 1;
console.log(events);
