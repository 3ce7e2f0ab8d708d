// A free TCP port on loopback, for servers started on demand (tests, the bench).
import { connect, createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A base port whose offsets are all free, below 32768: the Temporal server stores its membership ports as smallint, so
 * the kernel's ephemeral ports (32768 and up) will not do.
 */
export async function freePortBlock(offsets: number[]): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 10_000 + Math.floor(Math.random() * 2_000) * 10;
    const ports = offsets.map((offset) => base + offset);
    if (ports.every((port) => port > 1024 && port < 32_768) && (await Promise.all(ports.map(isFree))).every(Boolean))
      return base;
  }
  throw new Error('no free block of ports below 32768');
}

/** Whether something accepts TCP connections on the loopback `port`. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
