import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAtTurnEnd } from '../../src/http/request-turn.js';
import { requestPath, signV1 } from '../../src/protocol/sign-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const nothing = (): void => undefined;

describe('responses written at the end of the turn', () => {
  it('holds every write of the turn until the requests of the turn are handled, then writes them in order', async () => {
    const written: string[] = [];
    const a = writeAtTurnEnd(() => written.push('a'), nothing);
    await Promise.resolve(); // microtasks of the turn: a request's awaits resolve here
    void writeAtTurnEnd(() => written.push('b'), nothing);
    expect(written).toEqual([]);
    await a; // resolves once its write ran: the request log counts the time until then
    expect(written).toEqual(['a', 'b']);
    await writeAtTurnEnd(() => written.push('c'), nothing);
    expect(written).toEqual(['a', 'b', 'c']);
  });

  it('hands a write that throws to its own failure handler, and still writes the others', async () => {
    const written: string[] = [];
    const failures: unknown[] = [];
    void writeAtTurnEnd(() => written.push('before'), nothing);
    const failing = writeAtTurnEnd(
      () => {
        throw new Error('refused header');
      },
      (err) => failures.push(err),
    );
    const after = writeAtTurnEnd(() => written.push('after'), nothing);
    await failing; // resolves, never rejects: the request still gets its log line
    await after;
    expect(written).toEqual(['before', 'after']);
    expect(failures).toHaveLength(1);
  });
});

describe('many requests in one turn, on the wire', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer();
    await ts.anyClient().putBucket('turn-end');
    await ts.anyClient().putBucketACL('turn-end', 'public-read-write');
    const c = ts.anyClient({ bucket: 'turn-end' });
    for (const k of ['k1', 'k2', 'k3']) await c.put(k, Buffer.from(`body-of-${k}`));
  });
  afterAll(async () => ts.close());

  // Requests pipelined on one connection and sent on others in the same instant are read in one turn:
  // each gets its own answer, in request order per connection, none lost or swapped.
  it('answers each request its own response, in order per connection', async () => {
    const connections = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<net.Socket>((resolve) => {
            const s = net.connect(ts.port, '127.0.0.1', () => resolve(s));
          }),
      ),
    );
    const received = connections.map((s) => {
      let text = '';
      s.on('data', (c: Buffer) => (text += c.toString()));
      return () => text;
    });
    const request = (key: string, method = 'GET'): string =>
      `${method} /turn-end/${key} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
    connections[0]?.write(request('k1') + request('k2', 'HEAD') + request('k3') + request('missing'));
    connections[1]?.write(request('k3') + request('k1'));
    connections[2]?.write(request('k2'));
    const done = (): boolean =>
      (received[0]?.().includes('NoSuchKey') ?? false) &&
      (received[1]?.().includes('body-of-k1') ?? false) &&
      (received[2]?.().includes('body-of-k2') ?? false);
    while (!done()) await new Promise((r) => setTimeout(r, 10));
    const statuses = (text: string): string[] =>
      text
        .split(/(?=HTTP\/1\.1 )/)
        .map((r) => `${r.slice(9, 12)} ${/body-of-k\d|NoSuchKey/.exec(r)?.[0] ?? ''}`);
    expect(statuses(received[0]?.() ?? '')).toEqual([
      '200 body-of-k1',
      '200 ',
      '200 body-of-k3',
      '404 NoSuchKey',
    ]);
    expect(statuses(received[1]?.() ?? '')).toEqual(['200 body-of-k3', '200 body-of-k1']);
    expect(statuses(received[2]?.() ?? '')).toEqual(['200 body-of-k2']);
    for (const s of connections) s.destroy();
  });
});

describe('pipelined requests that change what the next one reads', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer();
    await ts.anyClient().putBucket('pipelined');
    await ts.anyClient({ bucket: 'pipelined' }).put('obj', Buffer.from('x'));
  });
  afterAll(async () => ts.close());

  /** A signed request as raw HTTP/1.1 text, to be pipelined with others in one socket write. */
  const raw = (method: string, body = ''): string => {
    const headers = signV1({
      method,
      bucket: 'pipelined',
      key: 'obj',
      subresources: { tagging: '' },
      headers: body === '' ? {} : { 'Content-Type': 'application/xml' },
      accessKeyId: ts.root.accessKeyId,
      secret: ts.root.secret,
      region: 'cn-hangzhou',
      date: new Date(),
    });
    const path = requestPath({ bucket: 'pipelined', key: 'obj', subresources: { tagging: '' } });
    const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
    if (body !== '') lines.push(`Content-Length: ${Buffer.byteLength(body)}\r\n`);
    return `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${lines.join('')}\r\n${body}`;
  };
  const tagging = (v: number): string =>
    `<Tagging><TagSet><Tag><Key>v</Key><Value>${v}</Value></Tag></TagSet></Tagging>`;

  // The requests of one socket read are handled in the check phase (request-turn.ts), each run to the end of
  // its awaits that resolve within the turn before the next starts: a PUT ?tagging (whose body came in the
  // same read) has taken effect when the GET ?tagging pipelined behind it reads the tags.
  it('a GET pipelined behind a PUT with a body reads what the PUT wrote', async () => {
    const socket = await new Promise<net.Socket>((resolve) => {
      const s = net.connect(ts.port, '127.0.0.1', () => resolve(s));
    });
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString()));
    const rounds = [1, 2, 3, 4, 5];
    socket.write(rounds.map((v) => raw('PUT', tagging(v)) + raw('GET')).join(''));
    const responses = (): string[] => text.split(/(?=HTTP\/1\.1 )/).filter((r) => r !== '');
    while (responses().length < rounds.length * 2 || !text.endsWith('</Tagging>'))
      await new Promise((r) => setTimeout(r, 10));
    const read = responses()
      .filter((r) => r.includes('<Tagging>'))
      .map((r) => /<Value>(\d+)<\/Value>/.exec(r)?.[1]);
    expect(read).toEqual(rounds.map(String));
    socket.destroy();
  });
});
