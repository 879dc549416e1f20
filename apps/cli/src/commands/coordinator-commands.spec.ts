import { type FakeService, fakeService, runCli } from '../support/cli.spec-helper';

const NODE = { node: 'node-2', role: 'replica', serverId: 2, healthy: true, appliedOffset: '1234', appliedAgeMs: 412, promotionRule: 'neutral' };
const TOPOLOGY = {
  cluster: 'local',
  coordinator: { id: 'c-1', leader: true },
  source: { kind: 'source', node: 'node-1', generation: 3, reason: 'switchover', assignedAtMs: 1, by: 'c-1' },
  recovery: null,
  nodes: [{ ...NODE, node: 'node-1', role: 'source', serverId: 1, appliedAgeMs: null, promotionRule: 'prefer' }, NODE],
};
const RECOVERY = { kind: 'recovery', id: 'switchover-1', type: 'switchover', from: 'node-1', to: 'node-2', state: 'done', startedAtMs: 1, endedAtMs: 2, acknowledged: false, detail: '' };
const NOT_LEADER = { status: 503, type: 'application/problem+json', body: { type: 'urn:kbinlog:problem:not-leader', title: 'Not the leader', status: 503, detail: 'c-2 is not the leader' } };

describe('kbinlog source, topology, switchover, recovery ack', () => {
  let leader: FakeService;
  let follower: FakeService;
  let leaderAnswer: (url: string) => { status: number; type?: string; body: unknown };

  beforeAll(async () => {
    leader = await fakeService((request) => leaderAnswer(request.url));
    follower = await fakeService((request) => (request.method === 'POST' ? NOT_LEADER : { status: 200, body: TOPOLOGY }));
  });

  afterAll(async () => {
    await leader.close();
    await follower.close();
  });

  it('source: prints where to write, from GET /source', async () => {
    leaderAnswer = () => ({ status: 200, body: { node: 'node-1', generation: 3, httpUrl: 'http://127.0.0.1:8081', memcached: '127.0.0.1:11211', mysql: '127.0.0.1:3307', writable: true } });
    const { code, out } = await runCli(['source', '--coordinator', leader.url]);
    expect(code).toBe(0);
    expect(leader.requests.at(-1)).toMatchObject({ method: 'GET', url: '/source' });
    expect(out).toContain('      node: node-1\n');
    expect(out).toContain(' memcached: 127.0.0.1:11211\n');
  });

  it('source: says so when there is no source yet (404), without asking further instances', async () => {
    leaderAnswer = () => ({ status: 404, type: 'application/problem+json', body: { title: 'No source', status: 404, detail: 'the topology has no source assignment yet' } });
    const before = follower.requests.length;
    const { code, err } = await runCli(['source', '--coordinator', `${leader.url},${follower.url}`]);
    expect(code).toBe(1);
    expect(err).toContain('answered 404: No source: the topology has no source assignment yet');
    expect(follower.requests.length).toBe(before);
  });

  it('topology: prints one row per node, asking the next coordinator when the first cannot be reached', async () => {
    const { code, out } = await runCli(['topology', '--coordinator', `http://127.0.0.1:1,${follower.url}`]);
    expect(code).toBe(0);
    expect(out.split('\n')).toEqual([
      'cluster local, source node-1 (generation 3), asked c-1 (leader)',
      '',
      'NAME    ROLE     SERVER_ID  HEALTHY  POSITION  LAG_MS  RULE',
      'node-1  source   1          yes      1234      -       prefer',
      'node-2  replica  2          yes      1234      412     neutral',
      '',
    ]);
  });

  it('switchover: skips a follower (503), sends {"to"} to the leader and prints how long writes were refused', async () => {
    leaderAnswer = () => ({ status: 200, body: { recovery: RECOVERY, refused_ms: 87 } });
    const { code, out } = await runCli(['switchover', '--to', 'node-2', '--coordinator', `${follower.url},${leader.url}`]);
    expect(code).toBe(0);
    expect(follower.requests.at(-1)).toMatchObject({ method: 'POST', url: '/switchover' });
    expect(leader.requests.at(-1)).toMatchObject({ method: 'POST', url: '/switchover', contentType: 'application/json', body: '{"to":"node-2"}' });
    expect(out).toBe('switchover node-1 -> node-2: done; writes refused for 87 ms\n');
  });

  it('switchover: reports a refusal (409) with the coordinator\'s reason, and no leader at all', async () => {
    leaderAnswer = () => ({ status: 409, type: 'application/problem+json', body: { title: 'Switchover refused', status: 409, detail: 'cannot switch over to node-9: no such node in the topology' } });
    const refused = await runCli(['switchover', '--to', 'node-9', '--coordinator', leader.url]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('answered 409: Switchover refused: cannot switch over to node-9: no such node in the topology');
    const none = await runCli(['switchover', '--to', 'node-2', '--coordinator', follower.url]);
    expect(none.err).toMatch(/no coordinator answered as leader: .*503: Not the leader: c-2 is not the leader/);
  });

  it('switchover: requires --to', async () => {
    const { code, err } = await runCli(['switchover', '--coordinator', leader.url]);
    expect(code).not.toBe(0);
    expect(err).toMatch(/required option '--to <node>'/);
  });

  it('recovery ack: POSTs /recovery/ack to the leader, taking the URLs from KBINLOG_COORDINATOR_URL', async () => {
    leaderAnswer = () => ({ status: 200, body: { ...RECOVERY, type: 'failover', acknowledged: true } });
    const { code, out } = await runCli(['recovery', 'ack'], { KBINLOG_COORDINATOR_URL: `${follower.url},${leader.url}` });
    expect(code).toBe(0);
    expect(leader.requests.at(-1)).toMatchObject({ method: 'POST', url: '/recovery/ack' });
    expect(out).toBe('acknowledged failover switchover-1 (node-1 -> node-2, done)\n');
  });
});
