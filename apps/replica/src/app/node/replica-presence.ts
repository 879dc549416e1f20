import { ReplicaControl } from '@kbinlog/replica-feature';
import { boundHttp, httpUrlOf } from '@kbinlog/service-runtime';
import { NodeAnnouncer } from '@kbinlog/topology';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { REPLICA_CONFIG, type ReplicaConfig } from '../replica-config';
import { ReplicaNode } from './replica-node';
import { replicaNodeReport } from './replica-report';

/**
 * The replica in the cluster's topology: its NodeReport on kbinlog.<cluster>.topology once its
 * HTTP API listens (the report carries that URL), then every --topology-interval-ms until
 * shutdown.
 */
@Injectable()
export class ReplicaPresence implements OnModuleDestroy {
  private readonly logger = new Logger('ReplicaPresence');
  private readonly startedAtMs = Date.now();
  private announcer: NodeAnnouncer | undefined;
  private announcing: Promise<void> | undefined;
  private stopping = false;

  constructor(
    @Inject(REPLICA_CONFIG) private readonly config: ReplicaConfig,
    private readonly node: ReplicaNode,
    private readonly control: ReplicaControl,
  ) {}

  /** Starts reporting once runService has bound the HTTP port (after every start-up hook). */
  announceWhenListening(): void {
    void boundHttp().then((http) => {
      if (this.stopping) return;
      const httpUrl = httpUrlOf(http, this.config.advertiseHost);
      const { kafka, topic } = this.node.topology;
      const report = () =>
        replicaNodeReport({
          identity: this.node.identity,
          httpUrl,
          pod: this.config.podName,
          status: this.control.status(),
          appliedAgeMs: this.node.channel.appliedAgeMs(),
          startedAtMs: this.startedAtMs,
          nowMs: Date.now(),
        });
      const announcer = new NodeAnnouncer(kafka, topic, report, this.config.topologyIntervalMs, {
        warn: (fields, msg) => this.logger.warn({ ...fields, msg }),
      });
      this.announcer = announcer;
      this.announcing = announcer.start().then(
        () => this.logger.log({ event: 'topology.announcing', topic, http_url: httpUrl, interval_ms: this.config.topologyIntervalMs, msg: 'reporting to the topology' }),
        (error: unknown) => this.logger.warn({ event: 'topology.announce_failed', err: error, msg: 'could not start reporting to the topology' }),
      );
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.announcing;
    await this.announcer?.stop().catch((error: unknown) => this.logger.warn({ event: 'topology.stop_failed', err: error, msg: 'closing the topology producer failed' }));
  }
}
