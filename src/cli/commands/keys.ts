// `keys`: the payload key file (PAYLOAD_KEY_FILE, else npm start's): make it, add and activate a key, remove an old one,
// list the ids. Keys never reach the output. The rotation procedure is in docs/security.md.
import { activateKey, addKey, ensureKeyFile, listKeys, removeKey } from '../../codec/key-file.ts';
import type { CliContext } from '../context.ts';
import { printJson, printTable } from '../output.ts';

interface KeyOptions {
  file?: string;
  json?: boolean;
}

export async function keysInitCommand(ctx: CliContext, options: KeyOptions): Promise<void> {
  const file = ctx.keyFile(options.file);
  const made = await ensureKeyFile(file);
  report(options, { file, made, ...listKeys(file) }, made ? `key ring made: ${file}` : `kept the key ring in ${file}`);
}

export async function keysAddCommand(ctx: CliContext, options: KeyOptions & { activate?: boolean }): Promise<void> {
  const file = ctx.keyFile(options.file);
  const id = await addKey(file, options.activate);
  const next = options.activate
    ? 'restart every process (or roll them out) to encrypt with it'
    : 'roll it out to every process, then: keys activate ' + id;
  report(
    options,
    { file, added: id, ...listKeys(file) },
    `key ${id} added${options.activate ? ' and active' : ''}: ${next}`,
  );
}

export async function keysActivateCommand(ctx: CliContext, id: string, options: KeyOptions): Promise<void> {
  const file = ctx.keyFile(options.file);
  await activateKey(file, id);
  report(options, { file, ...listKeys(file) }, `key ${id} is active: restart every process to encrypt with it`);
}

export async function keysRemoveCommand(ctx: CliContext, id: string, options: KeyOptions): Promise<void> {
  const file = ctx.keyFile(options.file);
  await removeKey(file, id);
  report(
    options,
    { file, removed: id, ...listKeys(file) },
    `key ${id} removed: what it encrypted can no longer be read`,
  );
}

export function keysListCommand(ctx: CliContext, options: KeyOptions): void {
  const file = ctx.keyFile(options.file);
  const { activeKeyId, ids } = listKeys(file);
  if (options.json) return printJson({ file, activeKeyId, ids });
  printTable(
    ['key id', 'active'],
    ids.map((id) => [id, id === activeKeyId ? 'yes' : '']),
  );
}

function report(options: KeyOptions, json: object, line: string): void {
  if (options.json) printJson(json);
  else process.stdout.write(`${line}\n`);
}
