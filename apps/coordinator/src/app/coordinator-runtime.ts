import { clusterNames, createKafka, kafkaLogTo } from '@kbinlog/binlog-kafka';
import { ensureTopologyTopic, TopologyView, TopologyWriter } from '@kbinlog/topology';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Registry } from 'prom-client';
import { COORDINATOR_CONFIG, type CoordinatorConfig } from './coordinator-config';
import { CoordinatorMetrics } from './coordinator-metrics';
import { Coordinator } from './coordinator/coordinator';
import type { CoordinatorLog } from './coordinator/ports';
import { KafkaLeaderElection } from './election/kafka-leader-election';
import { HttpNodeApi } from './nodes/http-node-api';
import { createPodLabeler } from './pod-labeler/create-pod-labeler';

/** A new leader reads the topology to its end before acting; this long at most. */
const CATCH_UP_TIMEOUT_MS = 15_000;

/**
 * The coordinator's Kafka edges, built from its configuration: the topology topic (created if
 * missing), the view read from its beginning before anything else, the election and the fenced
 * writer each new term gets.
 */
@Injectable()
export class CoordinatorRuntime implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('coordinator');
  private view: TopologyView | undefined;
  private running: Coordinator | undefined;

  private readonly metrics: CoordinatorMetrics;

  constructor(
    @Inject(COORDINATOR_CONFIG) private readonly config: CoordinatorConfig,
    registry: Registry,
  ) {
    this.metrics = new CoordinatorMetrics(registry, () => this.running?.topology());
  }

  get coordinator(): Coordinator {
    if (!this.running) throw new Error('the coordinator is still starting');
    return this.running;
  }

  async onModuleInit(): Promise<void> {
    const { config, logger } = this;
    const names = clusterNames(config.cluster);
    const log: CoordinatorLog = {
      info: (fields, msg) => logger.log({ ...fields, msg }),
      warn: (fields, msg) => logger.warn({ ...fields, msg }),
      error: (fields, msg) => logger.error({ ...fields, msg }),
    };
    const kafka = createKafka({ clientId: `kbinlog-coordinator-${config.coordinatorId}`, brokers: config.kafkaBrokers, log: kafkaLogTo(logger) });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const created = await ensureTopologyTopic(admin, names.topologyTopic, config.topologyReplicationFactor);
      logger.log({ event: 'topology.topic', topic: names.topologyTopic, created: created === 'created' });
    } finally {
      await admin.disconnect();
    }
    const view = new TopologyView(kafka, names.topologyTopic, log);
    this.view = view;
    await view.start();
    logger.log({ event: 'topology.read', nodes: [...view.nodes.keys()], source: view.source?.node ?? null, generation: view.source?.generation ?? null, msg: 'topology read from its beginning' });
    this.running = new Coordinator(
      {
        cluster: config.cluster,
        coordinatorId: config.coordinatorId,
        checkIntervalMs: config.checkIntervalMs,
        failureThreshold: config.failureThreshold,
        checkTimeoutMs: config.checkTimeoutMs,
        replicaSilenceMs: config.replicaSilenceMs,
        failoverBlockMs: config.failoverBlockMs,
        autoFailover: config.autoFailover,
        promoteTimeoutMs: config.promoteTimeoutMs,
      },
      {
        topology: { snapshot: () => view, catchUp: () => view.catchUp(CATCH_UP_TIMEOUT_MS) },
        recorder: () => new TopologyWriter(kafka, names.topologyTopic, names.coordinatorTransactionalId),
        nodes: new HttpNodeApi(),
        election: new KafkaLeaderElection(kafka, { groupId: names.coordinatorGroup, topic: names.topologyTopic, sessionTimeoutMs: config.electionSessionTimeoutMs }),
        labeler: createPodLabeler(config.podLabeler, config.kubernetesNamespace),
        log,
        recoveryEnded: (recovery) => this.metrics.recoveryEnded(recovery),
      },
    );
    await this.running.start();
    logger.log({ event: 'coordinator.started', id: config.coordinatorId, group: names.coordinatorGroup, msg: 'joined the election' });
  }

  async onModuleDestroy(): Promise<void> {
    await this.running?.stop().catch(() => undefined);
    await this.view?.stop().catch(() => undefined);
  }
}
