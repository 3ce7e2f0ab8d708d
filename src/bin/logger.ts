// The worker's log, one record per line: readable and coloured for a person at a terminal (pino-pretty), one JSON
// object
// for machines (LOG_FORMAT=json, or whenever the output is not a terminal). JSON lines are buffered and written off the
// hot path: the SDK's own multi-line synchronous print took a third of the worker's main thread in the quarter-end
// storm.
import type { Logger, LogLevel, LogMetadata } from '@temporalio/worker';
import { pino, type DestinationStream } from 'pino';
import pinoPretty from 'pino-pretty';

export type LogFormat = 'pretty' | 'json';

export function defaultLogFormat(): LogFormat {
  return process.stdout.isTTY ? 'pretty' : 'json';
}

/** Where records go: stdout, or `output` (tests). */
function destination(format: LogFormat, output?: NodeJS.WritableStream): DestinationStream {
  if (format === 'json') return (output as DestinationStream | undefined) ?? pino.destination({ sync: false });
  // The SDK's context (namespace, task queue, run id) is long and the same on most lines: the JSON keeps it, a person
  // reads less.
  return pinoPretty({
    destination: output ?? 1,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'sdkComponent,namespace,taskQueue,runId,workflowType,activityType,attempt',
    singleLine: true,
  });
}

export function createLogger(
  level: LogLevel,
  format: LogFormat = defaultLogFormat(),
  output?: NodeJS.WritableStream,
): Logger {
  const log = pino(
    {
      level: level.toLowerCase(),
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { error: pino.stdSerializers.err, failure: pino.stdSerializers.err },
      // An activity's task token is an opaque credential of its attempt: no use in a log line.
      redact: { paths: ['taskToken'], remove: true },
    },
    destination(format, output),
  );
  const write = (at: LogLevel, message: string, meta?: LogMetadata) =>
    log[at.toLowerCase() as Lowercase<LogLevel>](meta ?? {}, message);
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}
