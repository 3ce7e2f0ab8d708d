// What every workflow shares: the worker evaluates this module, and what it imports, once per thread before any
// workflow, instead of once per run it creates (see sharedWorkflowModules in src/worker/create-worker.ts). Exporting
// the imports is what keeps the bundler from dropping them: a bare `require('zod')` of a package marked
// side-effect-free is tree-shaken to nothing.
//
// zod and luxon: a copy of zod per cached run would be most of its memory. The domain: a new run (every payout in a
// quarter-end storm, once the worker's cache has evicted it) no longer evaluates it again, and its caches (the
// calendar's time-zone arithmetic, the event schemas) serve every run on the thread. The SDK deep-freezes what it
// shares, so a shared module exports only functions and constants that never change; caches live in closures, and
// hold pure answers (the same key always gives the same value) or derived data keyed by a run's own state objects,
// so workflows stay deterministic and see nothing of each other. test/worker/bundle.test.ts holds both.
import { DateTime } from 'luxon';
import { z } from 'zod';
import * as applyEvent from '../domain/apply-event.ts';
import * as calendar from '../domain/calendar.ts';
import * as config from '../domain/config.ts';
import * as events from '../domain/events.ts';
import * as heldRefunds from '../domain/held-refunds.ts';
import * as money from '../domain/money.ts';
import * as program from '../domain/program.ts';
import * as programVersions from '../domain/program-versions.ts';
import * as state from '../domain/state.ts';
import * as statement from '../domain/statement.ts';
import * as status from '../domain/status.ts';

// zod configures itself on first use (default locale, memoizer, whether it may compile parsers) and keeps that in
// objects the worker freezes once this module has loaded: the first use happens here, before the freeze.
const warmUp = z.object({ n: z.number().int(), s: z.string().min(1), at: z.iso.datetime({ offset: true }) });
warmUp.safeParse({ n: 1, s: 'x', at: '2026-01-01T00:00:00Z' });
warmUp.safeParse({ n: 0.5, s: '', at: 'never' });

export const sharedLibraries = { DateTime, z };
export const sharedDomain = {
  applyEvent,
  calendar,
  config,
  events,
  heldRefunds,
  money,
  program,
  programVersions,
  state,
  statement,
  status,
};
