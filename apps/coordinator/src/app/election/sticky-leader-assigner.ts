import { type Assigner, AssignerProtocol, type GroupMember, type PartitionAssigner } from 'kafkajs';

/** What each member tells the group's assigner about itself, in its subscription's userData. */
interface LeaderClaim {
  /** This member was assigned the partition at the last rebalance and has not let it go. */
  readonly held: boolean;
  /** When the member's process started: the oldest instance leads when nobody holds it. */
  readonly startedAtMs: number;
}

export const STICKY_LEADER_ASSIGNER = 'kbinlog-sticky-leader';

function claimOf(member: GroupMember): LeaderClaim {
  try {
    const { userData } = AssignerProtocol.MemberMetadata.decode(member.memberMetadata) ?? {};
    const claim = JSON.parse(userData?.toString('utf8') ?? '') as Partial<LeaderClaim>;
    return { held: claim.held === true, startedAtMs: typeof claim.startedAtMs === 'number' ? claim.startedAtMs : Number.MAX_SAFE_INTEGER };
  } catch {
    return { held: false, startedAtMs: Number.MAX_SAFE_INTEGER };
  }
}

/** Of the group's members, who gets partition 0: the holder, else the oldest, ties by member id (every assigner agrees). */
export function chooseLeader(members: readonly GroupMember[]): GroupMember | undefined {
  const ranked = members.map((member) => ({ member, claim: claimOf(member) }));
  ranked.sort((a, b) => Number(b.claim.held) - Number(a.claim.held) || a.claim.startedAtMs - b.claim.startedAtMs || a.member.memberId.localeCompare(b.member.memberId));
  return ranked[0]?.member;
}

/**
 * Kafka's default assigners spread partitions afresh at every rebalance, so a coordinator that
 * merely (re)joins could take the leadership from a healthy leader, which would then fence,
 * re-read and resume for nothing. This one keeps partition 0 where it is while its holder stays
 * in the group, as orchestrator keeps its leader: leadership moves only when the leader leaves.
 */
export function stickyLeaderAssigner(claim: () => LeaderClaim): PartitionAssigner {
  return (): Assigner => ({
    name: STICKY_LEADER_ASSIGNER,
    version: 1,
    protocol: ({ topics }) => ({
      name: STICKY_LEADER_ASSIGNER,
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.from(JSON.stringify(claim())) }),
    }),
    assign: async ({ members, topics }) => {
      const leader = chooseLeader(members);
      return members.map((member) => ({
        memberId: member.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: member === leader ? Object.fromEntries(topics.map((topic) => [topic, [0]])) : {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
  });
}
