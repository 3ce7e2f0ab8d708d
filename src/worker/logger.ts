// The worker's log: one JSON line per record (pino), buffered and written off the hot path. The SDK's own pretty logger
// printed each record over a dozen lines with synchronous writes, a third of the worker's main thread in the storm.
import type { Logger, LogLevel, LogMetadata } from '@temporalio/worker';
import { pino } from 'pino';

export function createLogger(level: LogLevel, destination = pino.destination({ sync: false })): Logger {
  const sink = pino({
    level: level.toLowerCase(),
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    serializers: { error: pino.stdSerializers.err, failure: pino.stdSerializers.err },
    // An activity's task token is an opaque credential of its attempt: no use in a log line.
    redact: { paths: ['taskToken'], remove: true },
  }, destination);
  const write = (at: LogLevel, message: string, meta?: LogMetadata) => sink[at.toLowerCase() as Lowercase<LogLevel>](meta ?? {}, message);
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}
