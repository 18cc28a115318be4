import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Largest body a fake accepts; webhook and state bodies are far smaller. */
export const MAX_FAKE_BODY_BYTES = 1024 * 1024;

/** A started loopback server. */
export interface FakeServer {
  url: string;
  close(): Promise<void>;
}

/** Reads a request body, refusing more than {@link MAX_FAKE_BODY_BYTES}. */
export function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_FAKE_BODY_BYTES) chunks.push(chunk);
    });
    req.once('end', () => resolve(size <= MAX_FAKE_BODY_BYTES ? Buffer.concat(chunks) : undefined));
    req.once('error', reject);
  });
}

/**
 * Starts `handle` on 127.0.0.1 (port 0 picks a free one). `close` also destroys kept-alive sockets,
 * so tests never wait for them.
 */
export function startFakeServer(
  handle: (req: IncomingMessage, res: ServerResponse, body: Buffer | undefined) => void | Promise<void>,
  port = 0,
): Promise<FakeServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => handle(req, res, body))
      .catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${bound}`,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Sends `body` with `status` and a content type. */
export function reply(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}
