// The released histories: test/histories/<release>/<scenario>-run<n>.json, kept for good.
import { readdir } from 'node:fs/promises';

const root = new URL('../histories/', import.meta.url);

export interface ReleasedHistory {
  release: string;
  name: string;
  path: URL;
}

export async function releasedHistories(): Promise<ReleasedHistory[]> {
  const releases = (await readdir(root, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory() && /^\d+\.\d+\.\d+$/.test(entry.name))
    .map((entry) => entry.name);
  const found: ReleasedHistory[] = [];
  for (const release of releases.sort()) {
    const dir = new URL(`./${release}/`, root);
    for (const file of (await readdir(dir)).filter((f) => f.endsWith('.json')).sort())
      found.push({ release, name: file.replace(/\.json$/, ''), path: new URL(file, dir) });
  }
  return found;
}

/** Two releases of one line (same major and minor): a patch build that a pinned run may be moved onto. */
export function sameLine(a: string, b: string): boolean {
  return a.split('.').slice(0, 2).join('.') === b.split('.').slice(0, 2).join('.');
}
