import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of the local MariaDB that holds back every `KILL QUERY` a client sends
 * until the test opens the gate: a test can then choose the moment a cancel's kill reaches the
 * server (say, while a cleanup statement waits on a lock) instead of racing it. Everything else
 * passes through untouched. It reads the client's MySQL packets (3-byte length, sequence id,
 * payload) to find the COM_QUERY that carries the kill, so how TCP splits the bytes does not matter.
 */
export interface KillGate {
  port: number;
  /** KILL QUERY statements held back so far. */
  held(): number;
  /** Let the held kills (and any later ones) through; resolves once `count` of them were answered. */
  open(count?: number): Promise<void>;
  close(): Promise<void>;
}

const COM_QUERY = 0x03;

export async function startKillGate(target = { host: '127.0.0.1', port: 3306 }): Promise<KillGate> {
  let isOpen = false;
  let held = 0;
  let answered = 0;
  const waiting: Array<() => void> = [];
  const onOpen: Array<() => void> = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    let pending = Buffer.alloc(0);
    let holding = false;
    const queued: Buffer[] = [];
    const forward = () => {
      while (pending.length >= 4) {
        const size = 4 + pending.readUIntLE(0, 3);
        if (pending.length < size) return;
        const packet = pending.subarray(0, size);
        pending = pending.subarray(size);
        const isKill =
          packet[4] === COM_QUERY &&
          /^KILL\s+QUERY\b/i.test(
            packet
              .subarray(5)
              .toString('utf8')
              .replace(/^\s*(\/\*.*?\*\/\s*)*/, ''),
          );
        if (isKill && !isOpen && !holding) {
          holding = true;
          held++;
          onOpen.push(() => {
            holding = false;
            for (const q of queued.splice(0)) upstream.write(q);
          });
        }
        if (isKill)
          upstream.once('data', () => {
            answered++;
            for (const resolve of waiting.splice(0)) resolve();
          });
        if (holding) queued.push(Buffer.from(packet));
        else upstream.write(packet);
      }
    };
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      forward();
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the kill gate has no port');
  return {
    port: address.port,
    held: () => held,
    async open(count = held) {
      isOpen = true;
      for (const release of onOpen.splice(0)) release();
      while (answered < count) await new Promise<void>((resolve) => waiting.push(resolve));
    },
    async close() {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
