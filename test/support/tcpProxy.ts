import { connect, createServer, type Socket } from 'node:net';
import path from 'node:path';

export interface TcpProxy {
  port: number;
  /** Drops every open connection and refuses new ones, as a network failure or a database restart would. */
  cut(): void;
  /** Lets connections through again. */
  mend(): void;
  stop(): Promise<void>;
}

/** Where a database URL's server listens: host and port, or the Unix socket of a host that is a folder. */
export function databaseAddress(url: string): { path: string } | { host: string; port: number } {
  const parsed = new URL(url);
  const host = decodeURIComponent(parsed.hostname);
  const port = Number(parsed.port || 5432);
  return host.startsWith('/') ? { path: path.join(host, `.s.PGSQL.${port}`) } : { host, port };
}

/** A TCP proxy on loopback to `target` (a database), which a test can cut and mend. */
export async function startTcpProxy(target: { path: string } | { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let isCut = false;
  const track = (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.on('error', () => undefined);
  };
  const server = createServer((client) => {
    track(client);
    if (isCut) {
      client.destroy();
      return;
    }
    const upstream = connect(target);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('proxy has no port');
  return {
    port: address.port,
    cut: () => {
      isCut = true;
      for (const socket of open) socket.destroy();
    },
    mend: () => {
      isCut = false;
    },
    stop: async () => {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
