import type { Kafka, Producer } from 'kafkajs';
import { encodeTopologyRecord, type NodeReport } from './topology-records';

export interface AnnouncerLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * Registration and heartbeats: a node publishes what it says of itself (NodeReport) at start,
 * on every role change (`announce`), and every `intervalMs`. A failed publish is retried at the
 * next tick; the coordinator reads a silent node as unhealthy.
 */
export class NodeAnnouncer {
  private readonly producer: Producer;
  private timer: NodeJS.Timeout | undefined;
  private publishing: Promise<void> = Promise.resolve();
  private failing = false;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    private readonly report: () => NodeReport,
    private readonly intervalMs: number,
    private readonly log: AnnouncerLog,
  ) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 3, initialRetryTime: 50, maxRetryTime: 500 } });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.announce();
    this.timer = setInterval(() => void this.announce(), this.intervalMs);
    this.timer.unref();
  }

  /** Publishes the node's report now (after the previous publish, so reports stay in order). */
  announce(): Promise<void> {
    this.publishing = this.publishing.then(() => this.publish());
    return this.publishing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.publishing;
    await this.producer.disconnect();
  }

  private async publish(): Promise<void> {
    try {
      const { key, value } = encodeTopologyRecord(this.report());
      await this.producer.send({ topic: this.topic, acks: -1, messages: [{ key, value }] });
      if (this.failing) this.log.warn({ event: 'topology.announce_recovered' }, 'node reports reach the topology again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.log.warn({ event: 'topology.announce_failed', error: error instanceof Error ? error.message : String(error) }, 'could not publish the node report');
      this.failing = true;
    }
  }
}
