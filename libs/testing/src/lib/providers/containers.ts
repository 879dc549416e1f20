import { KafkaContainer } from '@testcontainers/kafka';
import { MariaDbContainer } from '@testcontainers/mariadb';
import { getContainerRuntimeClient } from 'testcontainers';
import type { StartedInfra } from '../test-infra';

/** Images matching what infra/local runs: Confluent Platform 7.9 ships Apache Kafka 3.9. */
export const KAFKA_IMAGE = 'confluentinc/cp-kafka:7.9.0';
export const MARIADB_IMAGE = 'mariadb:11.4';

/** True when testcontainers finds a Docker (or compatible) engine that answers. */
export async function dockerReachable(): Promise<boolean> {
  try {
    // Throws when no strategy (DOCKER_HOST, socket, testcontainers.properties) finds an engine that answers.
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

export async function containerInfra(mariadbCount: number): Promise<StartedInfra> {
  const [kafka, ...databases] = await Promise.all([
    new KafkaContainer(KAFKA_IMAGE)
      .withKraft()
      // A single broker must still run transactions (design.md, invariant 3).
      .withEnvironment({ KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1', KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false' })
      .start(),
    ...Array.from({ length: mariadbCount }, () => new MariaDbContainer(MARIADB_IMAGE).withRootPassword('kbinlog').start()),
  ]);
  return {
    infra: {
      provider: 'containers',
      kafka: { brokers: [`${kafka.getHost()}:${kafka.getMappedPort(9093)}`] },
      mariadb: databases.map((container, index) => ({
        name: `mariadb-${index + 1}`,
        host: container.getHost(),
        port: container.getPort(),
        user: 'root',
        password: container.getRootPassword(),
      })),
    },
    stop: async () => {
      await Promise.all([kafka.stop(), ...databases.map((container) => container.stop())]);
    },
  };
}
