import { ConfigResourceTypes, ConfigSource, type Kafka } from 'kafkajs';

/**
 * Runs `body` with the topic's log flushed to disk after every append (`flush.messages=1`: the
 * broker fsyncs each produce before it answers), then restores the topic's own settings.
 * kafkajs has only the non-incremental AlterConfigs, which replaces a topic's whole set of
 * overrides: the current ones are read first and written back with the change.
 */
export async function withFsyncPerAppend<T>(kafka: Kafka, topic: string, body: () => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
    const overrides = (described.resources[0]?.configEntries ?? [])
      .filter((entry) => entry.configSource === ConfigSource.TOPIC_CONFIG && entry.configName !== 'flush.messages')
      .map((entry) => ({ name: entry.configName, value: entry.configValue }));
    const alter = (configEntries: { name: string; value: string }[]) => admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries }] });
    await alter([...overrides, { name: 'flush.messages', value: '1' }]);
    try {
      return await body();
    } finally {
      await alter(overrides);
    }
  } finally {
    await admin.disconnect();
  }
}
