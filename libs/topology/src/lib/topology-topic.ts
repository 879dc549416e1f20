import type { Admin } from 'kafkajs';

/**
 * Creates the topology topic if it is missing: one partition, compacted (the latest record per
 * key is all that matters, so the topic stays small however long the cluster runs).
 */
export async function ensureTopologyTopic(admin: Admin, topic: string, replicationFactor: number): Promise<'created' | 'exists'> {
  if ((await admin.listTopics()).includes(topic)) return 'exists';
  const created = await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic,
        numPartitions: 1,
        replicationFactor,
        configEntries: [
          { name: 'cleanup.policy', value: 'compact' },
          // Node reports arrive every second: roll segments hourly so compaction can clean them.
          { name: 'segment.ms', value: String(3_600_000) },
          { name: 'min.cleanable.dirty.ratio', value: '0.1' },
        ],
      },
    ],
  });
  return created ? 'created' : 'exists';
}
