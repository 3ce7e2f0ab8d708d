// Baseline for the simulator benchmark: reads and parses the same file, applying no rule.
import { readEvents } from '../src/simulator/read-events.ts';

let events = 0;
for await (const event of readEvents(process.argv[2]!)) if (!event.problem) events += 1;
console.log(events);
