import type { TestInfra } from './test-infra';
import { testKafka } from './kafka';

/** A source assignment as docs/coordinator.md defines it (libs/topology's SourceAssignment). */
export interface TestSourceAssignment {
  readonly kind: 'source';
  readonly node: string;
  readonly generation: number;
  readonly reason: 'adopted' | 'switchover' | 'failover';
  readonly assignedAtMs: number;
  readonly by: string;
}

/**
 * Writes a source assignment to `kbinlog.<cluster>.topology` in the topology's wire form
 * (key `source`, value `{"format":1,"record":…}`), as a coordinator does; here with a plain
 * producer, the test standing in for the coordinator. Nodes read it to pick their role and to
 * check a promotion request's generation. Spelled out rather than imported from libs/topology,
 * whose own integration tests use this harness (a library cycle otherwise).
 */
export async function writeSourceAssignment(infra: TestInfra, cluster: string, node: string, generation: number, reason: TestSourceAssignment['reason'] = 'switchover'): Promise<TestSourceAssignment> {
  const assignment: TestSourceAssignment = { kind: 'source', node, generation, reason, assignedAtMs: Date.now(), by: 'test' };
  const producer = testKafka(infra).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic: `kbinlog.${cluster}.topology`, acks: -1, messages: [{ key: 'source', value: JSON.stringify({ format: 1, record: assignment }) }] });
  } finally {
    await producer.disconnect();
  }
  return assignment;
}
