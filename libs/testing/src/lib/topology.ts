import { encodeTopologyRecord, type SourceAssignment } from '@kbinlog/topology';
import type { TestInfra } from './test-infra';
import { testKafka } from './kafka';

/**
 * Writes a source assignment to `kbinlog.<cluster>.topology`, as a coordinator does (here with a
 * plain producer: tests stand in for the coordinator). Nodes read it to pick their role and to
 * check a promotion request's generation.
 */
export async function writeSourceAssignment(infra: TestInfra, cluster: string, node: string, generation: number, reason: SourceAssignment['reason'] = 'switchover'): Promise<SourceAssignment> {
  const assignment: SourceAssignment = { kind: 'source', node, generation, reason, assignedAtMs: Date.now(), by: 'test' };
  const producer = testKafka(infra).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic: `kbinlog.${cluster}.topology`, acks: -1, messages: [encodeTopologyRecord(assignment)] });
  } finally {
    await producer.disconnect();
  }
  return assignment;
}
