import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on a free loopback port that holds every chunk, each way, for `latencyMs` before
 * passing it on: a slow Redis, with the real server behind it. Counts what clients send, so a
 * test can tell whether they still talk to Redis at all.
 */
export interface TcpDelayProxy {
  readonly port: number;
  readonly url: string;
  /** The delay from now on; chunks already held keep theirs. */
  setLatency(ms: number): void;
  /** Chunks received from clients so far. */
  clientChunks(): number;
  close(): Promise<void>;
}

export async function startTcpDelayProxy(target: { host: string; port: number }, latencyMs: number): Promise<TcpDelayProxy> {
  let latency = latencyMs;
  let chunks = 0;
  const sockets = new Set<Socket>();
  // Order is kept per direction: each chunk leaves no earlier than the one before it.
  const relay = (from: Socket, to: Socket, count: boolean) => {
    let lastDue = 0;
    from.on('data', (chunk: Buffer) => {
      if (count) chunks++;
      const due = Math.max(Date.now() + latency, lastDue);
      lastDue = due;
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
      }, due - Date.now());
    });
    from.on('close', () => setTimeout(() => to.destroy(), Math.max(0, lastDue - Date.now())));
    from.on('error', () => to.destroy());
  };
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
    relay(client, upstream, true);
    relay(upstream, client, false);
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    setLatency: (ms) => {
      latency = ms;
    },
    clientChunks: () => chunks,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
