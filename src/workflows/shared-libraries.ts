// What every workflow shares: the worker evaluates this module, and what it imports, once per thread before any
// workflow, instead of once per run it creates (see sharedWorkflowModules in src/worker/create-worker.ts). Exporting
// the imports is what keeps the bundler from dropping them: a bare `require('zod')` of a package marked
// side-effect-free is tree-shaken to nothing.
//
// The SDK deep-freezes what it shares, so only modules whose exported objects never change belong here. zod and luxon
// (a copy of zod per cached run was most of a run's ~3 MB); and the domain modules that use no zod schema (ours
// memoise lazily, on a frozen object they would throw): the calendar's caches of time-zone arithmetic then serve every
// run, where each new run (every payout in a storm, after the cache has evicted it) started them empty. They hold pure
// answers (the same key always gives the same value), so sharing them keeps workflows deterministic.
import { DateTime } from 'luxon';
import { z } from 'zod';
import * as calendar from '../domain/calendar.ts';
import * as config from '../domain/config.ts';
import * as money from '../domain/money.ts';
import * as program from '../domain/program.ts';
import * as programVersions from '../domain/program-versions.ts';
import * as tiers from '../domain/tiers.ts';

// zod configures itself on first use (default locale, memoizer, whether it may compile parsers) and keeps that in
// objects the worker freezes once this module has loaded: the first use happens here, before the freeze.
const warmUp = z.object({ n: z.number().int(), s: z.string().min(1), at: z.iso.datetime({ offset: true }) });
warmUp.safeParse({ n: 1, s: 'x', at: '2026-01-01T00:00:00Z' });
warmUp.safeParse({ n: 0.5, s: '', at: 'never' });

export const sharedLibraries = { DateTime, z };
export const sharedDomain = { calendar, config, money, program, programVersions, tiers };
