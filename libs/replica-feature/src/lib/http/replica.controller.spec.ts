import type { ReplicationChannel, ReplicaStatus } from '@kbinlog/replication';
import { ProblemFilter } from '@kbinlog/service-runtime';
import type { INestApplication } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { replicaControls } from '../replica-controls';
import type { ReplicaHost } from '../replica-host';

const CLUSTER = 'prod';
const HERE = `kbinlog.${CLUSTER}.binlog-0`;

/** A channel stand-in: the controls' HTTP edge is under test here, not replication. */
function fakeChannel() {
  const state = { fetcher: true, applier: true, waitResult: 3 as number | null };
  const channel = {
    get fetcherRunning() {
      return state.fetcher;
    },
    get applierRunning() {
      return state.applier;
    },
    position: { nextOffset: 10n },
    status: () => ({ Replica_IO_Running: state.fetcher ? 'Yes' : 'No', Replica_SQL_Running: state.applier ? 'Yes' : 'No', Exec_Source_Log_Pos: '10', Last_SQL_Errno: 0 }) as unknown as ReplicaStatus,
    startApplier: jest.fn(async () => void (state.applier = true)),
    startFetcher: jest.fn(async () => void (state.fetcher = true)),
    stopApplier: jest.fn(async () => void (state.applier = false)),
    stopFetcher: jest.fn(async () => void (state.fetcher = false)),
    changePosition: jest.fn(async () => undefined),
    waitForPosition: jest.fn(async () => state.waitResult),
  };
  return { state, channel };
}

class FakeNode implements ReplicaHost {
  static fake = fakeChannel();
  readonly channel = FakeNode.fake.channel as unknown as ReplicationChannel;
  readonly identity = { node: 'replica-1', server_id: 2, server_uuid: 'uuid-1' };
  readonly cluster = CLUSTER;
  closing = false;
  binlogBounds = async () => ({ start: 0n, end: 100n });
}

describe('the replica controls over HTTP (problem JSON for every refusal)', () => {
  let app: INestApplication;
  let url: string;
  const { state, channel } = FakeNode.fake;

  beforeAll(async () => {
    const controls = replicaControls(FakeNode);
    const moduleRef = await Test.createTestingModule({
      controllers: controls.controllers,
      providers: [FakeNode, ...controls.providers, { provide: APP_FILTER, useClass: ProblemFilter }],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(() => app.close());

  beforeEach(() => {
    Object.assign(state, { fetcher: true, applier: true, waitResult: 3 });
    jest.clearAllMocks();
  });

  async function post(path: string, body: string | undefined, contentType = 'application/json') {
    const response = await fetch(`${url}${path}`, { method: 'POST', headers: body === undefined ? {} : { 'content-type': contentType }, body });
    return { status: response.status, type: response.headers.get('content-type') ?? '', body: (await response.json()) as Record<string, unknown> };
  }

  it('answers SOURCE_POS_WAIT with its result and the status, the timeout in ms', async () => {
    const answer = await post('/replica/wait', JSON.stringify({ position: `${HERE}:42`, timeout_s: 1.5 }));
    expect(answer).toMatchObject({ status: 200, body: { result: 3, Exec_Source_Log_Pos: '10', node: 'replica-1', server_id: 2 } });
    expect(channel.waitForPosition).toHaveBeenCalledWith(42n, 1500);
    state.waitResult = null;
    expect((await post('/replica/wait', JSON.stringify({ position: `${HERE}:42` }))).body['result']).toBeNull();
  });

  it('starts the applier UNTIL a position once it is stopped', async () => {
    state.applier = false;
    const answer = await post('/replica/start', JSON.stringify({ thread: 'sql', until: `${HERE}:77` }));
    expect(answer.status).toBe(200);
    expect(channel.startApplier).toHaveBeenCalledWith({ untilOffset: 77n });
    expect(channel.startFetcher).not.toHaveBeenCalled();
  });

  it.each([
    ['malformed JSON', '/replica/wait', '{"position":', 400, 'invalid-request', /JSON/],
    ['a negative timeout', '/replica/wait', JSON.stringify({ position: `${HERE}:1`, timeout_s: -1 }), 400, 'invalid-request', /timeout_s: Too small/],
    ['a day-long timeout', '/replica/wait', JSON.stringify({ position: `${HERE}:1`, timeout_s: 86_400 }), 400, 'invalid-request', /timeout_s: Too big/],
    ['another cluster', '/replica/wait', JSON.stringify({ position: 'kbinlog.staging.binlog-0:1' }), 400, 'wrong-cluster', /cluster "staging"/],
    ['a __proto__ key', '/replica/wait', `{"position":"${HERE}:1","__proto__":{"x":1}}`, 400, 'invalid-request', /Unrecognized key/],
    ['no body', '/replica/wait', undefined, 400, 'invalid-request', /is required/],
    ['until in another cluster', '/replica/start', JSON.stringify({ until: 'kbinlog.staging.binlog-0:1' }), 400, 'wrong-cluster', /cluster "staging"/],
    ['until with the applier running', '/replica/start', JSON.stringify({ until: `${HERE}:5` }), 409, 'replica-running', /STOP REPLICA SQL_THREAD/],
    ['until for the fetcher', '/replica/start', JSON.stringify({ thread: 'io', until: `${HERE}:5` }), 400, 'invalid-request', /an UNTIL condition applies to the applier/],
    ['a 200 kB body', '/replica/start', JSON.stringify({ until: 'x'.repeat(200_000) }), 413, 'payload-too-large', /too large/i],
    ['a move while running', '/replica/change-source', JSON.stringify({ position: `${HERE}:5` }), 409, 'replica-running', /3021/],
  ])('refuses %s (POST %s) with problem JSON', async (_what, path, body, status, type, detail) => {
    const answer = await post(path, body);
    expect(answer.status).toBe(status);
    expect(answer.type).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ status, title: expect.any(String), type: `urn:kbinlog:problem:${type}` });
    expect(answer.body['detail']).toMatch(detail);
    expect(channel.startApplier).not.toHaveBeenCalled();
    expect(channel.waitForPosition).not.toHaveBeenCalled();
  });

  it('refuses a non-JSON body with 415 and every control while shutting down with 503, status still answering', async () => {
    expect(await post('/replica/wait', 'position=x', 'text/plain')).toMatchObject({ status: 415, body: { type: 'urn:kbinlog:problem:unsupported-media-type' } });
    const node = app.get(FakeNode);
    node.closing = true;
    try {
      expect(await post('/replica/wait', JSON.stringify({ position: `${HERE}:1` }))).toMatchObject({ status: 503, body: { type: 'urn:kbinlog:problem:shutting-down' } });
      expect(await post('/replica/stop', undefined)).toMatchObject({ status: 503 });
      expect((await fetch(`${url}/replica/status`)).status).toBe(200);
    } finally {
      node.closing = false;
    }
  });

  it('answers an unknown path with problem JSON 404', async () => {
    const response = await fetch(`${url}/replica/nothing`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ type: 'urn:kbinlog:problem:not-found', status: 404 });
  });
});
