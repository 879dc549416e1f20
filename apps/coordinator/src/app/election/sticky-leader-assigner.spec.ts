import { AssignerProtocol, type GroupMember } from 'kafkajs';
import { chooseLeader, stickyLeaderAssigner } from './sticky-leader-assigner';

function member(memberId: string, userData: string | Buffer): GroupMember {
  return { memberId, memberMetadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics: ['t'], userData: Buffer.isBuffer(userData) ? userData : Buffer.from(userData) }) };
}

const claim = (held: boolean, startedAtMs: number) => JSON.stringify({ held, startedAtMs });

describe('sticky leader assigner', () => {
  it('keeps partition 0 with the member that holds it, however old the others are', () => {
    const members = [member('a', claim(false, 1)), member('b', claim(true, 50)), member('c', claim(false, 2))];
    expect(chooseLeader(members)?.memberId).toBe('b');
  });

  it('gives it to the oldest member when nobody holds it, ties broken by member id', () => {
    expect(chooseLeader([member('b', claim(false, 20)), member('a', claim(false, 10))])?.memberId).toBe('a');
    expect(chooseLeader([member('y', claim(false, 10)), member('x', claim(false, 10))])?.memberId).toBe('x');
  });

  it('ranks a member with missing or garbage claims last, and still elects someone', () => {
    expect(chooseLeader([member('a', 'not json'), member('b', claim(false, 99))])?.memberId).toBe('b');
    expect(chooseLeader([member('a', Buffer.alloc(0))])?.memberId).toBe('a');
    expect(chooseLeader([])).toBeUndefined();
  });

  it('assigns partition 0 of the topic to exactly one member and nothing to the others', async () => {
    const assigner = stickyLeaderAssigner(() => ({ held: false, startedAtMs: 0 }))({} as never);
    const members = [member('a', claim(false, 5)), member('b', claim(true, 9))];
    const assignments = await assigner.assign({ members, topics: ['kbinlog.x.topology'] });
    const decoded = assignments.map(({ memberId, memberAssignment }) => ({ memberId, assignment: AssignerProtocol.MemberAssignment.decode(memberAssignment)?.assignment }));
    expect(decoded).toEqual([
      { memberId: 'a', assignment: {} },
      { memberId: 'b', assignment: { 'kbinlog.x.topology': [0] } },
    ]);
  });

  it('announces its own claim in the subscription', () => {
    const assigner = stickyLeaderAssigner(() => ({ held: true, startedAtMs: 42 }))({} as never);
    const { metadata } = assigner.protocol({ topics: ['t'] });
    expect(JSON.parse(AssignerProtocol.MemberMetadata.decode(metadata)?.userData.toString() ?? '')).toEqual({ held: true, startedAtMs: 42 });
  });
});
