// `npm run docs [-- --from-bench-results]`: renders the generated parts of docs/ (the bench's figures, the
// configuration) into their pages; commit the result. --from-bench-results first takes the latest run's files from
// bench/results/ into docs/bench/, the run the pages show.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { benchPages, benchResultFiles, benchResultsDir, committedResultsDir } from './bench-figures.ts';
import { configurationPage, configurationPageText } from './configuration.ts';

if (process.argv.includes('--from-bench-results'))
  for (const name of benchResultFiles)
    if (existsSync(`${benchResultsDir}${name}`)) {
      copyFileSync(`${benchResultsDir}${name}`, `${committedResultsDir}${name}`);
      console.log(`took bench/results/${name}`);
    }

for (const { file, text } of [...benchPages(), { file: configurationPage, text: configurationPageText() }]) {
  const changed = readFileSync(file, 'utf8') !== text;
  if (changed) writeFileSync(file, text);
  console.log(`${changed ? 'wrote' : 'unchanged'} ${relative(process.cwd(), file)}`);
}
