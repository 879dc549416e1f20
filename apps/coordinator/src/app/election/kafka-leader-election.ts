import type { Consumer, Kafka } from 'kafkajs';
import type { ElectionHandlers, LeaderElection } from '../coordinator/ports';
import { stickyLeaderAssigner } from './sticky-leader-assigner';

export interface KafkaElectionOptions {
  readonly groupId: string;
  /** The one-partition topic whose partition 0 is the leadership. */
  readonly topic: string;
  readonly sessionTimeoutMs: number;
}

/**
 * Leader election by a Kafka consumer group (docs/coordinator.md): every instance joins the
 * group on the one-partition topology topic and the member assigned partition 0 leads. A member
 * that stops heartbeating loses it after the session timeout; any rebalance, crash or stop
 * counts as losing it at once (the eager protocol revokes every partition first). The assigner
 * hands partition 0 back to the member that held it, so a joining coordinator leaves the
 * leadership where it is.
 */
export class KafkaLeaderElection implements LeaderElection {
  private consumer: Consumer | undefined;
  private handlers: ElectionHandlers | undefined;
  /** Assigned partition 0 at the last rebalance, and still in the group: claimed at the next one. */
  private held = false;
  private readonly startedAtMs = Date.now();

  constructor(
    private readonly kafka: Kafka,
    private readonly options: KafkaElectionOptions,
  ) {}

  async start(handlers: ElectionHandlers): Promise<void> {
    this.handlers = handlers;
    await this.join();
  }

  async rejoin(): Promise<void> {
    await this.leave();
    await this.join();
  }

  async stop(): Promise<void> {
    await this.leave();
    this.handlers = undefined;
  }

  private async join(): Promise<void> {
    const { sessionTimeoutMs, groupId, topic } = this.options;
    const consumer = this.kafka.consumer({
      groupId,
      sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: Math.max(100, Math.floor(sessionTimeoutMs / 3)),
      // A new member or a leaving one should move leadership quickly, not after a minute.
      rebalanceTimeout: sessionTimeoutMs,
      // Nothing is read here (the TopologyView reads the topic): fetch rarely.
      maxWaitTimeInMs: 1000,
      allowAutoTopicCreation: false,
      partitionAssigners: [stickyLeaderAssigner(() => ({ held: this.held, startedAtMs: this.startedAtMs }))],
    });
    this.consumer = consumer;
    const deposed = (reason: string) => () => {
      if (this.consumer === consumer) this.handlers?.deposed(reason);
    };
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      if (this.consumer !== consumer) return;
      this.held = (payload.memberAssignment[topic] ?? []).includes(0);
      if (this.held) this.handlers?.elected();
      else this.handlers?.deposed('another member was assigned the partition');
    });
    consumer.on(consumer.events.REBALANCING, deposed('rebalancing'));
    consumer.on(consumer.events.CRASH, deposed('consumer crashed'));
    consumer.on(consumer.events.STOP, deposed('consumer stopped'));
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    await consumer.run({ autoCommit: false, eachBatch: async () => undefined });
  }

  private async leave(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer) return;
    this.handlers?.deposed('left the election');
    this.held = false;
    this.consumer = undefined;
    await consumer.disconnect();
  }
}
