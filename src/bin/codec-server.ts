// `npm run codec`: the codec server the Temporal UI and CLI decode payloads with (src/codec/codec-server.ts), as a
// process of its own beside the workers, with their key ring.
import type { LogLevel } from '@temporalio/worker';
import { buildCodecServer } from '../codec/codec-server.ts';
import { dataConverterOf } from '../codec/data-converter.ts';
import { readEnvironment } from '../config/environment.ts';
import { createLogger, defaultLogFormat } from './logger.ts';
import { runMain } from './run-main.ts';
import { serveUntilStopped } from '../http/serve.ts';
import { requireTokenOffLoopback } from '../http/token.ts';

await runMain('codec-server', async () => {
  const env = readEnvironment();
  const logger = createLogger(env.LOG_LEVEL as LogLevel, env.LOG_FORMAT ?? defaultLogFormat());
  requireTokenOffLoopback(env.CODEC_HOST, env.CODEC_TOKEN, 'CODEC_TOKEN');
  // Without a key ring this stops, saying what to set; with encryption off there are no codecs.
  const [codec] = dataConverterOf(env).payloadCodecs ?? [];
  if (!codec) throw new Error('PAYLOAD_ENCRYPTION is off: payloads go in clear, and there is nothing to decode');
  const corsOrigins = (env.CODEC_CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  const app = buildCodecServer({ codec, corsOrigins, ...(env.CODEC_TOKEN ? { token: env.CODEC_TOKEN } : {}) });
  const url = await serveUntilStopped(app, env.CODEC_HOST, env.CODEC_PORT);
  const access = env.CODEC_TOKEN
    ? `token required: bearer, or the cookie ${url}/login sets`
    : 'no token: loopback only';
  const origins = corsOrigins.length ? `UI origins ${corsOrigins.join(', ')}` : 'no UI origins (CLI only)';
  logger.info(`codec server: ${url} (${access}; ${origins})`);
});
