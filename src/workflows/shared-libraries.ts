// The libraries every workflow shares: the worker evaluates this module once per thread, before any workflow, instead of
// evaluating zod and luxon again for every cached run (a copy of zod per run was most of a run's ~3 MB; see
// sharedWorkflowModules in src/worker/create-worker.ts). Exporting them is what keeps the bundler from dropping the
// imports: a bare `require('zod')` of a package marked side-effect-free is tree-shaken to nothing.
import { DateTime } from 'luxon';
import { z } from 'zod';

// zod configures itself on first use (default locale, memoizer, whether it may compile parsers) and keeps that in
// objects the worker freezes once this module has loaded: the first use happens here, before the freeze.
const warmUp = z.object({ n: z.number().int(), s: z.string().min(1), at: z.iso.datetime({ offset: true }) });
warmUp.safeParse({ n: 1, s: 'x', at: '2026-01-01T00:00:00Z' });
warmUp.safeParse({ n: 0.5, s: '', at: 'never' });

export const sharedLibraries = { DateTime, z };
