/**
 * A TCP server that speaks just enough of the PostgreSQL wire protocol to refuse a login the way a real
 * server with password authentication does: it asks for a cleartext password, then answers FATAL 28P01
 * "password authentication failed for user …". The test PostgreSQL uses trust authentication, so a wrong
 * password cannot be shown against it; this is the server side of that case (protocol 3.0, §55.2 of the
 * PostgreSQL manual). `silent: true` accepts connections and never answers (a host that hangs).
 */
import net from 'node:net';

export interface FakePg {
  readonly port: number;
  close(): Promise<void>;
}

/** One backend message: type byte, int32 length (counting itself), body. */
function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'ascii');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const AUTH_CLEARTEXT = message('R', Buffer.from([0, 0, 0, 3]));

function loginRefused(user: string): Buffer {
  const field = (code: string, text: string): Buffer => Buffer.from(`${code}${text}\0`, 'utf8');
  return message(
    'E',
    Buffer.concat([
      field('S', 'FATAL'),
      field('V', 'FATAL'),
      field('C', '28P01'),
      field('M', `password authentication failed for user "${user}"`),
      Buffer.from([0]),
    ]),
  );
}

/** The user named in a StartupMessage (int32 length, int32 protocol, then key\0value\0 pairs). */
function startupUser(startup: Buffer): string {
  const pairs = startup.subarray(8).toString('utf8').split('\0');
  const i = pairs.indexOf('user');
  return i >= 0 ? (pairs[i + 1] ?? '') : '';
}

export async function startFakePg(opts: { silent?: boolean } = {}): Promise<FakePg> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (opts.silent) return;
    let buffered = Buffer.alloc(0);
    let user: string | undefined;
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (user === undefined) {
        if (buffered.length < 4 || buffered.length < buffered.readInt32BE(0)) return;
        user = startupUser(buffered.subarray(0, buffered.readInt32BE(0)));
        buffered = Buffer.alloc(0);
        socket.write(AUTH_CLEARTEXT);
        return;
      }
      // The PasswordMessage ('p') arrived (its content is never looked at): refuse the login.
      if (buffered.length >= 5 && buffered.length >= 1 + buffered.readInt32BE(1)) {
        socket.end(loginRefused(user));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
