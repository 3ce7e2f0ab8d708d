// What the docs generators share: a Markdown table, and the generated part of a page between its markers.

/** A Markdown table; `align` per column ('r' right-aligns numbers). A `|` inside a cell is escaped. */
export function table(head: string[], rows: string[][], align: ('l' | 'r')[] = []): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `|${head.map((_, i) => (align[i] === 'r' ? ' ---: ' : ' --- ')).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

/** `text` as lines of at most `width` characters, broken at spaces (Markdown joins them back into one paragraph). */
export function wrap(text: string, width = 120): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n');
}

/** The longest cell of the Markdown tables in `text`, for the rule that a cell holds at most about 100 characters. */
export function longestCell(text: string): string {
  const cells = text
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[\s:|-]+\|$/.test(line))
    .flatMap((line) => line.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim()));
  return cells.reduce((longest, cell) => (cell.length > longest.length ? cell : longest), '');
}

/**
 * `page` with what lies between `<!-- name:begin -->` and `<!-- name:end -->` replaced by `body`: the prose around the
 * markers stays as written, the part between them is the generator's.
 */
export function fillBetween(page: string, name: string, body: string, file: string): string {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const from = page.indexOf(begin);
  const to = page.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file} has no ${begin} … ${end} markers`);
  return `${page.slice(0, from + begin.length)}\n${body.trim()}\n${page.slice(to)}`;
}
