import { clusterNames, type ClusterNames, createKafka, ensureBinlogTopic, kafkaLogTo, logRange, type LogRange } from '@kbinlog/binlog-kafka';
import { bootstrapInnodbMemcache, ensureNodeSchema, nodeServerUuid, openNodeDatabase, TableCatalog } from '@kbinlog/node-store';
import type { NodeIdentity, ReplicaHost } from '@kbinlog/replica-feature';
import { channelLogTo, ReplicationChannel, ReplicationMetrics } from '@kbinlog/replication';
import { ensureTopologyTopic } from '@kbinlog/topology';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { REPLICA_CONFIG, type ReplicaConfig, replicationFilterOf } from '../replica-config';

interface Running {
  readonly channel: ReplicationChannel;
  readonly identity: NodeIdentity;
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly names: ClusterNames;
}

/** Logs why start-up failed; the process then exits with the error. */
export function logStartFailure(logger: Logger, error: unknown): void {
  logger.error({ event: 'replica.start_failed', err: error, msg: 'replica could not start' });
  // Nest holds log lines until HTTP listens, which a failed start never does: print them now.
  Logger.flush();
}

/**
 * The replica node: its own database, the binlog and topology topics and one replication
 * channel, opened before the HTTP API listens (Nest runs onModuleInit first), so the API never
 * sees a half-open node; a node that cannot open exits instead of serving. ReplicaBoot starts
 * replication once everything is open.
 */
@Injectable()
export class ReplicaNode implements ReplicaHost, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ReplicaNode');
  private running: Running | undefined;
  private stopping = false;
  /** What start-up opened so far, closed in reverse if start-up fails or at shutdown. */
  private readonly closers: (() => Promise<void>)[] = [];

  private readonly metrics: ReplicationMetrics;

  constructor(
    @Inject(REPLICA_CONFIG) private readonly config: ReplicaConfig,
    registry: Registry,
  ) {
    this.metrics = new ReplicationMetrics(registry, () => this.running?.channel);
  }

  get channel(): ReplicationChannel {
    return this.started().channel;
  }

  get identity(): NodeIdentity {
    return this.started().identity;
  }

  get cluster(): string {
    return this.config.cluster;
  }

  /** Where the node reports itself: the Kafka client and the cluster's topology topic. */
  get topology(): { readonly kafka: Kafka; readonly topic: string } {
    const { kafka, names } = this.started();
    return { kafka, topic: names.topologyTopic };
  }

  /** True once shutdown began: controls are refused, status still answers. */
  get closing(): boolean {
    return this.stopping;
  }

  /** Where the binlog starts (retention may have deleted older groups) and ends now. */
  binlogBounds(): Promise<LogRange> {
    const { admin, names } = this.started();
    return logRange(admin, names.topic);
  }

  async onModuleInit(): Promise<void> {
    try {
      this.running = await this.open();
    } catch (error) {
      logStartFailure(this.logger, error);
      await this.close();
      throw error;
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.close();
  }

  private async open(): Promise<Running> {
    const { config } = this;
    const names = clusterNames(config.cluster);

    const opened = await openNodeDatabase(config.databaseUrl);
    this.closers.push(() => opened.close());
    const database = opened.writer;
    await ensureNodeSchema(database);
    const serverUuid = await nodeServerUuid(database);
    const { demoTableCreated } = await bootstrapInnodbMemcache(database);
    this.logger.log({ event: 'node.database', store: opened.store, location: opened.location });
    if (opened.store === 'mariadb' && config.readOnly) {
      // As on a MySQL replica: clients read here and write to the source; the applier's account
      // (READ_ONLY ADMIN, part of ALL PRIVILEGES) still applies.
      await database.query('SET GLOBAL read_only = ON');
      this.logger.log({ event: 'node.read_only', msg: 'read_only=ON: client writes get error 1290' });
    }
    this.logger.log({ event: 'node.bootstrapped', demo_table_created: demoTableCreated, msg: 'innodb_memcache and test.demo_test ready' });

    const kafka = createKafka({ clientId: `kbinlog-replica-${config.nodeName}`, brokers: config.kafkaBrokers, log: kafkaLogTo(this.logger) });
    const admin = kafka.admin();
    await admin.connect();
    this.closers.push(() => admin.disconnect());
    const topicState = await ensureBinlogTopic(admin, names.topic, {
      retentionMs: config.binlogRetentionMs,
      replicationFactor: config.binlogReplicationFactor,
      minInsyncReplicas: config.binlogMinInsyncReplicas,
    });
    // The node reports itself there (ReplicaPresence); as durable as the binlog it describes.
    const topologyState = await ensureTopologyTopic(admin, names.topologyTopic, config.binlogReplicationFactor);

    const filter = replicationFilterOf(config);
    if (!filter.isEmpty) this.logger.log({ event: 'replica.filters', ...filter.status(), msg: 'replication filters set' });
    const channel = new ReplicationChannel(
      kafka,
      database,
      new TableCatalog(),
      {
        cluster: config.cluster,
        topic: names.topic,
        consumerGroup: names.replicaGroup(config.nodeName),
        execMode: config.replicaExecMode,
        relayMaxRecords: config.relayMaxGroups,
        relayMaxBytes: config.relayMaxBytes,
        applyBatchMaxGroups: config.applyBatchMaxGroups,
        sourceDelayS: config.sourceDelayS,
        filter,
      },
      channelLogTo(this.logger),
      this.metrics,
    );
    // Stopped before the admin client and the database it uses (closers run in reverse).
    this.closers.push(() => channel.stop());
    const position = await channel.load();

    const identity = { node: config.nodeName, server_id: config.serverId, server_uuid: serverUuid };
    this.logger.log(
      { event: 'replica.opened', ...identity, topic: names.topic, topic_state: topicState, topology_topic_state: topologyState, exec_position: channel.status().Exec_Source_Coordinates, executed_gtid_set: position.executedGtids.toString() },
      'replica opened',
    );
    return { channel, identity, kafka, admin, names };
  }

  /** Closes what start-up opened, newest first; the stopped channel still answers status. */
  private async close(): Promise<void> {
    while (this.closers.length > 0) {
      const close = this.closers.pop() as () => Promise<void>;
      await close().catch((error: unknown) => this.logger.error({ event: 'replica.close_failed', err: error, msg: 'closing failed' }));
    }
  }

  private started(): Running {
    if (!this.running) throw new Error('the replica node is not running');
    return this.running;
  }
}
