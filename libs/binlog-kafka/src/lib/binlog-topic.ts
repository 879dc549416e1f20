import type { Admin } from 'kafkajs';

export interface BinlogTopicSettings {
  /** retention.ms; -1 keeps the binlog forever (MySQL: expire_logs_days / binlog_expire_logs_seconds). */
  readonly retentionMs: number;
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
}

/**
 * Creates the binlog topic with explicit settings, or checks an existing one: one partition
 * (one total order, invariant 1) and never compacted (compaction would drop groups).
 */
export async function ensureBinlogTopic(admin: Admin, topic: string, settings: BinlogTopicSettings): Promise<'created' | 'exists'> {
  // Asking first keeps kafkajs from logging "topic already exists" as an error at every start;
  // two nodes creating it at once still end well (createTopics answers false to the second).
  const created = !(await admin.listTopics()).includes(topic) && (await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic,
        numPartitions: 1,
        replicationFactor: settings.replicationFactor,
        configEntries: [
          { name: 'cleanup.policy', value: 'delete' },
          { name: 'retention.ms', value: String(settings.retentionMs) },
          { name: 'retention.bytes', value: '-1' },
          { name: 'min.insync.replicas', value: String(settings.minInsyncReplicas) },
          { name: 'message.timestamp.type', value: 'CreateTime' },
        ],
      },
    ],
  }));
  if (created) return 'created';

  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  const partitions = metadata.topics[0]?.partitions.length ?? 0;
  if (partitions !== 1) {
    throw new Error(`binlog topic ${topic} has ${partitions} partitions; it must have exactly 1 (one total order)`);
  }
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: 2 /* TOPIC */, name: topic, configNames: ['cleanup.policy'] }],
  });
  const policy = configs.resources[0]?.configEntries.find((entry) => entry.configName === 'cleanup.policy')?.configValue;
  if (policy !== 'delete') {
    throw new Error(`binlog topic ${topic} has cleanup.policy=${policy}; it must be "delete" (compaction would drop binlog groups)`);
  }
  return 'exists';
}
