import { clusterNames, isFencedError } from '@kbinlog/binlog-kafka';
import { deleteTestTopics, testInfra, testKafka, uniqueClusterName, waitFor } from '@kbinlog/testing';
import { ensureTopologyTopic, TopologyWriter } from '@kbinlog/topology';
import type { Kafka } from 'kafkajs';
import { KafkaLeaderElection } from './kafka-leader-election';

const SESSION_TIMEOUT_MS = 6000;

/** One coordinator instance's election, with what it was told. */
function member(kafka: Kafka, cluster: string) {
  const names = clusterNames(cluster);
  const election = new KafkaLeaderElection(kafka, { groupId: names.coordinatorGroup, topic: names.topologyTopic, sessionTimeoutMs: SESSION_TIMEOUT_MS });
  const state = { leading: false, electedAtMs: 0 };
  return {
    election,
    state,
    start: () =>
      election.start({
        elected: () => Object.assign(state, { leading: true, electedAtMs: Date.now() }),
        deposed: () => void (state.leading = false),
      }),
  };
}

describe('coordinator election on the real broker', () => {
  const infra = testInfra();
  const cluster = uniqueClusterName('elect');
  const names = clusterNames(cluster);
  const cleanups: (() => Promise<void>)[] = [];

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await deleteTestTopics(infra, [names.topologyTopic]).catch(() => undefined);
  });

  it('elects exactly one of two instances; when it leaves, the other leads within the session timeout and fences the old leader\'s writes', async () => {
    const kafka = testKafka(infra);
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    await ensureTopologyTopic(admin, names.topologyTopic, 1);

    const a = member(testKafka(infra), cluster);
    const b = member(testKafka(infra), cluster);
    cleanups.push(() => a.election.stop(), () => b.election.stop());
    await a.start();
    await b.start();
    // Both joined and the group settled: exactly one holds partition 0.
    await waitFor(
      async () => {
        const [group] = (await admin.describeGroups([names.coordinatorGroup])).groups;
        return group.state === 'Stable' && group.members.length === 2 && a.state.leading !== b.state.leading;
      },
      { description: 'a stable group of two with exactly one leader', timeoutMs: 30_000 },
    );
    const [leader, follower] = a.state.leading ? [a, b] : [b, a];

    // The leader takes up its role: its writer fences every earlier one.
    const oldWriter = new TopologyWriter(testKafka(infra), names.topologyTopic, names.coordinatorTransactionalId);
    await oldWriter.connect();
    cleanups.push(() => oldWriter.disconnect());
    await oldWriter.write({ kind: 'source', node: 'n1', generation: 1, reason: 'adopted', assignedAtMs: Date.now(), by: 'a' });

    // The leader leaves the group, but its writer lives on (a paused leader that has not noticed).
    const leftAtMs = Date.now();
    await leader.election.stop();
    await waitFor(() => follower.state.leading, { description: 'the other instance to lead', timeoutMs: SESSION_TIMEOUT_MS });
    expect(follower.state.electedAtMs - leftAtMs).toBeLessThan(SESSION_TIMEOUT_MS);
    expect(leader.state.leading).toBe(false);

    const newWriter = new TopologyWriter(testKafka(infra), names.topologyTopic, names.coordinatorTransactionalId);
    await newWriter.connect();
    cleanups.push(() => newWriter.disconnect());
    const refused = await oldWriter.write({ kind: 'source', node: 'n9', generation: 2, reason: 'failover', assignedAtMs: Date.now(), by: 'a' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isFencedError(refused)).toBe(true);
    await newWriter.write({ kind: 'source', node: 'n2', generation: 2, reason: 'failover', assignedAtMs: Date.now(), by: 'b' });
  });
});
