// How our HTTP servers run as processes: listen, and on SIGINT or SIGTERM close (then whatever else the process holds)
// and exit 0.
import type { FastifyInstance } from 'fastify';

/** Listens on host:port and returns the URL it serves (port 0: the one the system picked). */
export async function serveUntilStopped(
  app: FastifyInstance,
  host: string,
  port: number,
  closeAlso: () => Promise<void> = async () => undefined,
): Promise<string> {
  const stop = async () => {
    await app.close();
    await closeAlso();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  await app.listen({ host, port });
  const { port: bound } = app.server.address() as { port: number };
  return `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
}
