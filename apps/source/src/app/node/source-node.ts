import { binlogCoordinates, formatCoordinates } from '@kbinlog/binlog';
import { BinlogWriter, BinlogWriterMetrics, clusterNames, createKafka, ensureBinlogTopic, kafkaLogTo, logRange, type LogRange, readBinlogRange } from '@kbinlog/binlog-kafka';
import {
  type AppliedPosition,
  bootstrapInnodbMemcache,
  ensureNodeSchema,
  type NodeDatabase,
  nodeServerUuid,
  openNodeDatabase,
  readAppliedPosition,
  TableCatalog,
} from '@kbinlog/node-store';
import { channelLogTo, ReplicationChannel, ReplicationMetrics } from '@kbinlog/replication';
import { boundHttp, httpUrlOf, KBINLOG_VERSION } from '@kbinlog/service-runtime';
import { MIN_SERVER_VERSION, parseServerVersion } from '@kbinlog/sql-statement';
import { ensureTopologyTopic, NodeAnnouncer, type NodeReport, type NodeRole, TopologyView } from '@kbinlog/topology';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ReplicaControl } from '@kbinlog/replica-feature';
import type { Admin, Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { loadInnodbMapping } from '../memcached/innodb-mapping';
import { MemcachedEngine } from '../memcached/memcached-engine';
import { MemcachedMetrics } from '../memcached/memcached-metrics';
import { ReadCache } from '../memcached/read-cache';
import { MemcachedServer } from '../memcached/memcached-server';
import { SOURCE_CONFIG, type SourceConfig } from '../source-config';
import { BinlogCommitter, CaptureTriggers, CommitMetrics, type FaultInjection, NodeWrites, parseFaultInjection, ReadOnlyError, takeOwnCapture } from '@kbinlog/binlog-commit';
import { BackendConnection } from '../sql/backend-connection';
import { nodeReplication } from '../sql/node-replication';
import { replicaHosts } from '../sql/replication-status';
import { MysqlServer } from '../sql/mysql-server';
import { SqlMetrics } from '../sql/sql-metrics';
import { SqlSession } from '../sql/sql-session';
import { WriteGate } from '../sql/write-gate';
import { endpointOf, nodeReportOf } from './node-report';
import { NodeMetrics } from './node-metrics';
import { NodeRoleState } from './node-role';
import { PromotionSteps } from './promotion-steps';

/** How long a promotion request waits for this node's topology view to show its assignment. */
const ASSIGNMENT_WAIT_MS = 5_000;
/** How long a demotion lets admitted writes finish before the rest are refused. */
const DRAIN_TIMEOUT_MS = 10_000;

/** SHOW MASTER STATUS, with MySQL's field names; Role says whether the node writes there. */
export interface SourceStatus {
  readonly File: string;
  readonly Position: string;
  readonly Executed_Gtid_Set: string;
  readonly Server_Id: number;
  readonly Server_UUID: string;
  readonly Binlog_Coordinates: string;
  readonly Memcached_Port: number;
  /** The MySQL-protocol port; null on a SQLite store, which has no SQL front door. */
  readonly Mysql_Port: number | null;
  readonly Role: NodeRole;
}

/** POST /node/demote's answer: the report, and the coordinates of the next offset it would have written. */
export interface DemotionResult {
  readonly report: NodeReport;
  readonly position: string;
}

/** How long a failed promotion waits for its Kafka producer to close. */
const WRITER_DISCONNECT_MS = 5_000;

function withTimeout(work: Promise<unknown> | undefined, ms: number): Promise<unknown> {
  if (!work) return Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([work, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

/** Connections of the source's pool beyond a full group-commit batch (one of them the keyed batches'). */
const CONNECTIONS_BESIDE_BATCH = 11;

/** Why a promotion or demotion was refused or failed; the HTTP edge maps the code. */
export class RoleChangeError extends Error {
  constructor(
    readonly code: 'not-assigned' | 'role-change-refused' | 'promotion-failed',
    message: string,
  ) {
    super(message);
    this.name = 'RoleChangeError';
  }
}

/**
 * The node service: one database that applies the cluster's binlog, and that may also write it
 * (docs/coordinator.md, "Nodes and roles"). A replica runs the replication channel and refuses
 * writes; promotion fences the old writer (invariant 3), applies the log to its end (invariant 4)
 * and only then opens the write path (log first, then the store: invariant 2); demotion closes it,
 * lets admitted writes finish and starts the channel again. Which role it starts in, the
 * topology's source assignment decides (`--role` only when there is none), so a restarted old
 * source never fences the node that replaced it.
 */
@Injectable()
export class SourceNode implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('source');
  private readonly roles = new NodeRoleState();
  private readonly writes: NodeWrites;
  /** Rows memcached gets read, served without SQL while this node is the source. */
  private readonly readCache: ReadCache;
  private readonly catalog = new TableCatalog();
  private readonly startedAtMs = Date.now();
  private database!: NodeDatabase;
  private kafka!: Kafka;
  private admin!: Admin;
  private view!: TopologyView;
  private announcer: NodeAnnouncer | undefined;
  private httpUrl = '';
  private serverUuid = '';
  /** The position loaded at start, until a channel or committer holds a newer one. */
  private storedPosition!: AppliedPosition;
  private replication: ReplicationChannel | undefined;
  private writer: BinlogWriter | undefined;
  private committer: BinlogCommitter | undefined;
  /** The assignment generation this node is source under; undefined while no coordinator assigned it. */
  private generation: number | undefined;
  private heartbeats: NodeJS.Timeout | undefined;
  private heartbeatPending = false;
  private engine!: MemcachedEngine;
  private server!: MemcachedServer;
  private memcachedPort = 0;
  private mysql: MysqlServer | undefined;
  private mysqlPort: number | null = null;
  private readonly triggers = new CaptureTriggers();
  /** Promotions and demotions run one at a time, in the order asked. */
  private roleChange: Promise<unknown> = Promise.resolve();
  private stopping = false;
  /** TEST ONLY (--fault-injection stall-promotion@n): promotions that never catch up. */
  private readonly promotionFaults: FaultInjection;
  /** Registered once: the channels, writers, committers and engines of every role change share them. */
  private readonly metrics: {
    readonly node: NodeMetrics;
    readonly replication: ReplicationMetrics;
    readonly writer: BinlogWriterMetrics;
    readonly commit: CommitMetrics;
    readonly memcached: MemcachedMetrics;
    readonly sql: SqlMetrics;
  };

  constructor(
    @Inject(SOURCE_CONFIG) private readonly config: SourceConfig,
    private readonly modules: ModuleRef,
    registry: Registry,
  ) {
    this.metrics = {
      node: new NodeMetrics(registry, () => ({
        role: this.role,
        generation: this.role === 'source' ? this.generation : undefined,
        memcachedConnections: this.server?.connections ?? 0,
        mysqlConnections: this.mysql?.connectionCount,
      })),
      replication: new ReplicationMetrics(registry, () => this.replication),
      writer: new BinlogWriterMetrics(registry),
      commit: new CommitMetrics(registry),
      memcached: new MemcachedMetrics(registry),
      sql: new SqlMetrics(registry),
    };
    this.promotionFaults = parseFaultInjection(config.faultInjection);
    // Clients are sent to the assigned source; while the assignment still names this node (it is
    // demoting), nobody knows the next one yet.
    const assigned = () => this.view?.source?.node;
    this.writes = new NodeWrites(() => new ReadOnlyError(config.nodeName, assigned() === config.nodeName ? undefined : assigned()));
    this.readCache = new ReadCache(config.readCacheMb * 1024 * 1024);
    this.roles.onChange((role, from) => {
      this.logger.log({ event: 'node.role', role, from, msg: `role ${role}` });
      void this.announcer?.announce();
    });
  }

  get role(): NodeRole {
    return this.roles.role;
  }

  /** The replication channel while the node applies the log (replica role); undefined while it writes. */
  get channel(): ReplicationChannel | undefined {
    return this.replication;
  }

  get identity(): { readonly node: string; readonly server_id: number; readonly server_uuid: string } {
    return { node: this.config.nodeName, server_id: this.config.serverId, server_uuid: this.serverUuid };
  }

  get cluster(): string {
    return this.config.cluster;
  }

  /** True once shutdown began. */
  get closing(): boolean {
    return this.stopping;
  }

  /** Where the binlog starts and ends now. */
  binlogBounds(): Promise<LogRange> {
    return logRange(this.admin, clusterNames(this.config.cluster).topic);
  }

  async onModuleInit(): Promise<void> {
    const { config } = this;
    const names = clusterNames(config.cluster);
    // Each write of a group-commit batch holds its own connection until the batch commits: a
    // full batch (the committer lets no more in), plus spares for reads, heartbeats, statements.
    this.database = await openNodeDatabase(config.databaseUrl, config.groupCommitMaxBatch + CONNECTIONS_BESIDE_BATCH);
    const { writer } = this.database;
    await ensureNodeSchema(writer);
    this.serverUuid = await nodeServerUuid(writer);
    await bootstrapInnodbMemcache(writer);
    this.storedPosition = await readAppliedPosition(writer.manager, names.topic);
    this.logger.log({ event: 'node.database', store: this.database.store, location: this.database.location });

    this.kafka = createKafka({ clientId: `kbinlog-source-${config.nodeName}`, brokers: config.kafkaBrokers, log: kafkaLogTo(this.logger) });
    this.admin = this.kafka.admin();
    await this.admin.connect();
    const created = await ensureBinlogTopic(this.admin, names.topic, {
      retentionMs: config.binlogRetentionMs,
      replicationFactor: config.binlogReplicationFactor,
      minInsyncReplicas: config.binlogMinInsyncReplicas,
    });
    this.logger.log({ event: 'binlog.topic', topic: names.topic, created: created === 'created' });
    await ensureTopologyTopic(this.admin, names.topologyTopic, config.binlogReplicationFactor);
    this.view = new TopologyView(this.kafka, names.topologyTopic, { warn: (fields, message) => this.logger.warn({ ...fields, msg: message }) });
    await this.view.start();
    this.view.onChange((record) => {
      if (record?.kind === 'source') this.assignmentChanged();
    });

    this.engine = await this.memcachedEngine();
    this.server = new MemcachedServer({ execute: (command, session) => this.engine.execute(command, session) }, config.maxItemSize, {
      info: (fields, message) => this.logger.log({ ...fields, msg: message }),
      warn: (fields, message) => this.logger.warn({ ...fields, msg: message }),
    });
    this.mysql = await this.openSqlFrontDoor();

    const assignment = this.view.source;
    const startAs = assignment ? (assignment.node === config.nodeName ? 'source' : 'replica') : config.role;
    this.logger.log({ event: 'node.starting_as', role: startAs, assignment: assignment ?? null, flag: config.role, msg: assignment ? `the topology assigns ${assignment.node} as source` : `no source assignment: role ${config.role} from --role` });
    if (startAs === 'source') await this.promoteNow(assignment?.generation);
    else await this.becomeReplica();
    this.logger.log({ event: 'node.ready', role: this.role, server_uuid: this.serverUuid, server_id: config.serverId, position: this.status().Binlog_Coordinates });
  }

  async onApplicationBootstrap(): Promise<void> {
    const { config } = this;
    this.memcachedPort = await this.server.listen(config.memcachedPort, config.memcachedHost);
    this.logger.log({ event: 'memcached.listening', host: config.memcachedHost, port: this.memcachedPort, msg: 'memcached protocol listening' });
    if (this.mysql) {
      this.mysqlPort = await this.mysql.listen(config.mysqlPort, config.mysqlHost);
      this.logger.log({ event: 'mysql.listening', host: config.mysqlHost, port: this.mysqlPort, msg: 'MySQL protocol listening' });
    }
    // The HTTP port is known only once Nest listens, after this hook: report from then on.
    void boundHttp().then(async (http) => {
      if (this.stopping) return;
      this.httpUrl = httpUrlOf(http, config.advertiseHost);
      const announcer = new NodeAnnouncer(this.kafka, clusterNames(config.cluster).topologyTopic, () => this.report(), config.topologyIntervalMs, {
        warn: (fields, message) => this.logger.warn({ ...fields, msg: message }),
      });
      this.announcer = announcer;
      await announcer.start().catch((error: unknown) => this.logger.warn({ event: 'topology.announcer_failed', error: String(error), msg: 'node reports will not reach the topology' }));
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.stopHeartbeats();
    this.committer?.refuse('the source is shutting down');
    await this.server?.close();
    await this.mysql?.close();
    await this.announcer?.stop().catch(() => undefined);
    await this.replication?.stop().catch(() => undefined);
    await this.view?.stop().catch(() => undefined);
    await this.writer?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
    await this.database?.close().catch(() => undefined);
  }

  /** POST /node/promote: become source under assignment `generation`, if the topology says so. */
  promote(generation: number): Promise<NodeReport> {
    return this.serialized(async () => {
      const names = (view: TopologyView) => view.source?.node === this.config.nodeName && view.source.generation === generation;
      // The coordinator writes the assignment just before it asks: give this view time to read it.
      await this.view.waitFor((view) => (view.source?.generation ?? 0) >= generation, ASSIGNMENT_WAIT_MS, `assignment generation ${generation}`).catch(() => undefined);
      if (!names(this.view)) {
        const seen = this.view.source;
        throw new RoleChangeError('not-assigned', `the topology assigns ${seen ? `${seen.node} as source under generation ${seen.generation}` : 'no source'}, not ${this.config.nodeName} under generation ${generation}`);
      }
      if (this.role === 'source') {
        this.generation = generation;
        this.startHeartbeats();
        return this.report();
      }
      if (this.role !== 'replica') throw new RoleChangeError('role-change-refused', `${this.config.nodeName} is ${this.role}`);
      try {
        await this.promoteNow(generation);
      } catch (error) {
        throw new RoleChangeError('promotion-failed', `promotion failed, ${this.config.nodeName} is a replica again: ${error instanceof Error ? error.message : String(error)}`);
      }
      await this.announcer?.announce();
      return this.report();
    });
  }

  /** POST /node/demote: stop taking writes, let admitted ones finish, become a replica. */
  demote(reason = 'requested'): Promise<DemotionResult> {
    return this.serialized(async () => {
      if (this.role === 'replica') return { report: this.report(), position: this.coordinates(this.position()) };
      if (this.role !== 'source') throw new RoleChangeError('role-change-refused', `${this.config.nodeName} is ${this.role}`);
      const position = await this.demoteNow(reason);
      await this.announcer?.announce();
      return { report: this.report(), position: this.coordinates(position) };
    });
  }

  status(): SourceStatus {
    const position = this.position();
    return {
      File: `${position.topic}-0`,
      Position: position.nextOffset.toString(),
      Executed_Gtid_Set: position.executedGtids.toString(),
      Server_Id: this.config.serverId,
      Server_UUID: this.serverUuid,
      Binlog_Coordinates: this.coordinates(position),
      Memcached_Port: this.memcachedPort,
      Mysql_Port: this.mysqlPort,
      Role: this.role,
    };
  }

  report(): NodeReport {
    const { config } = this;
    const channel = this.replication?.status();
    return nodeReportOf(
      {
        node: config.nodeName,
        role: this.role,
        serverId: config.serverId,
        serverUuid: this.serverUuid,
        promotionRule: config.promotionRule,
        httpUrl: this.httpUrl || 'http://127.0.0.1:0',
        memcached: endpointOf(config.memcachedHost, this.memcachedPort || null, config.advertiseHost),
        mysql: endpointOf(config.mysqlHost, this.mysqlPort, config.advertiseHost),
        pod: config.podName,
        position: this.position(),
        ioRunning: channel?.Replica_IO_Running === 'Yes',
        sqlRunning: channel?.Replica_SQL_Running === 'Yes',
        lastError: channel?.Last_Error ?? '',
        writable: this.writes.isOpen,
        startedAtMs: this.startedAtMs,
      },
      Date.now(),
    );
  }

  private position(): AppliedPosition {
    return this.committer?.position ?? this.replication?.position ?? this.storedPosition;
  }

  private coordinates(position: AppliedPosition): string {
    return formatCoordinates(binlogCoordinates(this.config.cluster, position.nextOffset));
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.roleChange.then(work, work);
    this.roleChange = run.catch(() => undefined);
    return run;
  }

  /**
   * replica|starting → promoting → source. Each step is logged with its duration: promotion time
   * is what a failover costs. A failure falls back to replica (the log is intact).
   */
  private async promoteNow(generation: number | undefined): Promise<void> {
    const { config } = this;
    const names = clusterNames(config.cluster);
    this.roles.change('promoting');
    const steps = new PromotionSteps(this.logger, generation, config.promotionTimeoutMs);
    try {
      // A coordinator that gave up on this promotion assigned another node: fencing now would
      // fence that node's writer.
      this.requireAssignment(generation);
      // Fence first: from here no earlier writer can commit, so the log end below is final.
      const writer = new BinlogWriter(this.kafka, names.topic, names.writerTransactionalId, this.metrics.writer);
      this.writer = writer;
      await steps.run('fence', () => writer.connect());
      const channel = this.replication ?? (await this.openChannel());
      this.replication = channel;
      const { start, end } = await logRange(this.admin, names.topic);
      const stored = channel.position;
      // A position outside the log means the log lost what this store holds (a recreated topic)
      // or groups it never applied (retention): serving writes on top would break invariant 2.
      if (stored.nextOffset > end || stored.nextOffset < start) {
        throw new Error(
          `this database stands at ${this.coordinates(stored)}, outside the binlog, which holds offsets ${start} to ${end}: ` +
            'restore the node from a replica that applied the log, or point it at an empty database',
        );
      }
      await steps.run('catch_up', async () => {
        if (this.promotionFaults.stalls('stall-promotion')) await new Promise<never>(() => undefined);
        if (channel.position.nextOffset < end) {
          this.logger.log({ event: 'catch_up.started', from: channel.position.nextOffset.toString(), to: end.toString(), msg: 'applying the binlog the store lacks' });
          // A delayed replica (SOURCE_DELAY) promoted still applies the whole log first.
          if (channel.applierDelayed) await channel.stop();
          if (!channel.applierRunning || !channel.fetcherRunning) await channel.start({ ignoreSourceDelay: true });
          await channel.waitUntilApplied(end, steps.remainingMs);
          this.logger.log({ event: 'catch_up.done', position: channel.position.nextOffset.toString(), msg: 'caught up' });
        }
        await channel.stop();
      }, { from: stored.nextOffset.toString(), to: end.toString() });
      const position = channel.position;
      this.replication = undefined;
      await steps.run('open_writes', async () => {
        this.requireAssignment(generation);
        if (this.database.store === 'mariadb') await this.prepareSqlWrites();
        this.engine = await this.memcachedEngine();
        this.committer = this.newCommitter(writer, position);
        this.readCache.open();
        this.writes.open(this.committer);
      });
      this.generation = generation;
      this.roles.change('source');
      this.startHeartbeats();
      this.metrics.node.promoted('succeeded');
      steps.done({ position: this.coordinates(position) });
    } catch (error) {
      this.metrics.node.promoted('failed');
      const channel = this.replication?.status();
      steps.failed(error, channel ? { fetcher: channel.Replica_IO_Running, applier: channel.Replica_SQL_Running, read_position: channel.Read_Source_Log_Pos, exec_position: channel.Exec_Source_Log_Pos, last_error: channel.Last_Error } : {});
      this.readCache.close();
      // A writer whose fence is still in flight is left to Kafka: the next promotion fences it.
      await withTimeout(this.writer?.disconnect(), WRITER_DISCONNECT_MS).catch(() => undefined);
      this.writer = undefined;
      this.roles.change('replica');
      await this.enterReplica().catch((cause: unknown) => this.logger.error({ event: 'replica.start_failed', error: String(cause), msg: 'the replication channel did not start' }));
      throw error;
    }
  }

  /**
   * A promotion under `generation` goes on only while the topology still assigns this node under
   * it (a start with no assignment, `generation` undefined, has none to check).
   */
  private requireAssignment(generation: number | undefined): void {
    if (generation === undefined) return;
    const assignment = this.view.source;
    if (assignment && (assignment.generation > generation || assignment.node !== this.config.nodeName)) {
      throw new Error(`the topology now assigns ${assignment.node} under generation ${assignment.generation}: promotion under generation ${generation} abandoned`);
    }
  }

  /** source → demoting → replica; resolves with the position it would have written next. */
  private async demoteNow(reason: string): Promise<AppliedPosition> {
    const started = Date.now();
    this.roles.change('demoting');
    // Before the door closes: from here the store may change past the write path (the applier).
    this.readCache.close();
    this.stopHeartbeats();
    const { drained, committer } = await this.writes.close(DRAIN_TIMEOUT_MS, `demoted (${reason}): write to the new source`);
    const position = committer?.position ?? this.position();
    this.logger.log({ event: 'demote.drained', drained, ms: Date.now() - started, msg: drained ? 'writes in flight finished' : 'writes still in flight were refused' });
    await this.writer?.disconnect().catch(() => undefined);
    this.writer = undefined;
    this.committer = undefined;
    this.storedPosition = position;
    this.generation = undefined;
    this.roles.change('replica');
    this.metrics.node.demoted();
    await this.enterReplica();
    this.logger.log({ event: 'demote.done', reason, position: this.coordinates(position), ms: Date.now() - started, msg: 'demoted to replica' });
    return position;
  }

  private async becomeReplica(): Promise<void> {
    this.roles.change('replica');
    await this.enterReplica();
  }

  /** The replica's side of the role: read_only, no capture, the channel applying from the stored position. */
  private async enterReplica(): Promise<void> {
    if (this.database.store === 'mariadb') {
      // As on a MySQL replica; kbinlog's own account (READ_ONLY ADMIN) still applies the log.
      await this.database.writer.query('SET GLOBAL read_only = ON');
      const backend = await BackendConnection.open(this.config.databaseUrl);
      try {
        const dropped = await this.triggers.removeAll(backend);
        this.logger.log({ event: 'node.read_only', capture_triggers_dropped: dropped, msg: 'read_only=ON, capture off' });
      } finally {
        backend.close();
      }
    }
    const channel = this.replication ?? (await this.openChannel());
    this.replication = channel;
    await channel.start();
  }

  private async openChannel(): Promise<ReplicationChannel> {
    const { config } = this;
    const names = clusterNames(config.cluster);
    const channel = new ReplicationChannel(
      this.kafka,
      this.database.writer,
      this.catalog,
      { cluster: config.cluster, topic: names.topic, consumerGroup: names.replicaGroup(config.nodeName), execMode: 'STRICT', relayMaxRecords: 10_000, relayMaxBytes: 64 << 20, applyBatchMaxGroups: config.applyBatchMaxGroups, sourceDelayS: config.sourceDelayS },
      channelLogTo(this.logger),
      this.metrics.replication,
    );
    this.storedPosition = await channel.load();
    return channel;
  }

  private newCommitter(writer: BinlogWriter, position: AppliedPosition): BinlogCommitter {
    const { config } = this;
    return new BinlogCommitter(
      this.database.writer,
      this.catalog,
      writer,
      { serverUuid: this.serverUuid, serverId: config.serverId },
      position,
      {
        wBatchSize: config.wBatchSize,
        groupCommitMaxBatch: config.groupCommitMaxBatch,
        groupCommitMaxWaitUs: config.groupCommitMaxWaitUs,
        onFatal: (reason, error) => {
          // The store and the log may disagree: restart, and catching up at start reconciles them.
          this.logger.fatal({ event: 'source.fatal', reason, error: String(error) }, 'stopping: the store must be reconciled with the binlog');
          setImmediate(() => process.exit(70));
        },
        onStored: (events) => this.readCache.invalidate(events),
        // On MariaDB the SQL front door's triggers capture memcached writes too: those are the events to log.
        capture: this.database.store === 'mariadb' ? takeOwnCapture : undefined,
        metrics: this.metrics.commit,
        onFenced: (error) => {
          // Fenced means demoted: a newer source holds the writer id; this node applies its log.
          this.logger.warn({ event: 'source.fenced', error: String(error), msg: 'fenced by a newer writer: demoting to replica' });
          void this.demote('fenced').catch((cause: unknown) => this.logger.error({ event: 'demote.failed', error: String(cause), msg: 'demotion after fencing failed' }));
        },
      },
      parseFaultInjection(config.faultInjection),
    );
  }

  /** Writes on MariaDB need the capture triggers on every table and read_only off. */
  private async prepareSqlWrites(): Promise<void> {
    const backend = await BackendConnection.open(this.config.databaseUrl);
    try {
      const installed = await this.triggers.installAll(backend);
      this.logger.log({ event: 'sql.capture_ready', tables: installed.tables, uncapturable: installed.uncapturable, msg: 'capture triggers in place' });
      await backend.query('SET GLOBAL read_only = OFF');
    } finally {
      backend.close();
    }
  }

  /** Read at every promotion, as the plugin reads it at start: the cas counter resumes above what the log brought. */
  private async memcachedEngine(): Promise<MemcachedEngine> {
    const mapping = await loadInnodbMapping(this.database.reader);
    return new MemcachedEngine(mapping, this.database.reader, this.writes, `${KBINLOG_VERSION}-kbinlog`,
      () => this.server.connections,
      (error) => this.logger.error({ event: 'memcached.internal_error', error: error instanceof Error ? error.stack : String(error), msg: 'command failed' }),
      this.metrics.memcached,
      this.readCache,
    );
  }

  /**
   * SQL over the MySQL protocol needs a MySQL-compatible store: its statements run there as
   * written. It serves in every role; writes go through the node's write path, which refuses them
   * (error 1290) unless the node is source.
   */
  private async openSqlFrontDoor(): Promise<MysqlServer | undefined> {
    const { config } = this;
    const names = clusterNames(config.cluster);
    if (this.database.store !== 'mariadb') {
      this.logger.warn({ event: 'sql.disabled', store: this.database.store, msg: 'no MySQL port: SQL clients need a MariaDB store (--store mariadb)' });
      return undefined;
    }
    const backend = await BackendConnection.open(config.databaseUrl);
    let version: string;
    try {
      [{ version }] = await backend.rows<{ version: string }>('SELECT @@version AS version');
    } finally {
      backend.close();
    }
    const serverVersion = parseServerVersion(version);
    if (serverVersion === undefined || serverVersion < MIN_SERVER_VERSION) {
      throw new Error(`the SQL front door needs MariaDB 10.11 or newer as the source's database, found ${version}`);
    }
    const replication = nodeReplication({
      binlogStatus: () => {
        const { File, Position, Executed_Gtid_Set } = this.status();
        return { file: File, position: Position, executedGtidSet: Executed_Gtid_Set };
      },
      // The replica controls (the channel's status, with a refused START's I/O error): what /replica/* answers.
      replicaControl: () => (this.channel ? this.modules.get(ReplicaControl, { strict: false }) : undefined),
      binlogBounds: () => this.binlogBounds(),
      replicas: () => replicaHosts(this.view.nodes.values(), this.view.source?.node, Date.now()),
      readBinlog: (query, onGroup) => readBinlogRange(this.kafka, names.topic, names.inspectGroup(config.nodeName), query, onGroup),
    });
    // What replication tools read with SELECT @@…: kbinlog's identity and binlog, not the backing MariaDB's.
    const variables = () =>
      new Map<string, string | number>([
        ['server_id', config.serverId],
        ['server_uuid', this.serverUuid],
        ['gtid_executed', this.status().Executed_Gtid_Set],
        ['read_only', this.role === 'source' ? 0 : 1],
        ['log_bin', 1],
        ['binlog_format', 'ROW'],
      ]);
    const onOff = (on: boolean) => (on ? 'ON' : 'OFF');
    // SHOW VARIABLES' text forms of the same, and the GTID settings kbinlog always runs with.
    const showVariables = () =>
      new Map<string, string | number>([
        ['server_id', config.serverId],
        ['server_uuid', this.serverUuid],
        ['gtid_executed', this.status().Executed_Gtid_Set],
        ['gtid_mode', 'ON'],
        ['enforce_gtid_consistency', 'ON'],
        ['read_only', onOff(this.role !== 'source')],
        ['super_read_only', onOff(this.role !== 'source')],
        ['log_bin', 'ON'],
        ['binlog_format', 'ROW'],
        ['binlog_row_image', 'FULL'],
      ]);
    // MariaDB's replication status variables (MySQL 8 moved them to performance_schema).
    const statusVariables = () => {
      const channel = this.channel?.status();
      return new Map<string, string | number>([
        ['Slave_running', onOff(channel?.Replica_IO_Running === 'Yes' && channel.Replica_SQL_Running === 'Yes')],
        ['Slaves_running', channel?.Replica_SQL_Running === 'Yes' ? 1 : 0],
        ['Slaves_connected', replication.replicas().length],
      ]);
    };
    const context = { databaseUrl: config.databaseUrl, writes: this.writes, gate: new WriteGate(), triggers: this.triggers, replication, variables, showVariables, statusVariables, serverVersion };
    return new MysqlServer({
      users: config.sqlUsers,
      serverVersion: `${version}-kbinlog-${KBINLOG_VERSION}`,
      maxPayload: config.maxAllowedPacket,
      openSession: (user, schema) => SqlSession.open(context, user.privileges, schema),
      onInternalError: (error) => this.logger.error({ event: 'sql.internal_error', error: error instanceof Error ? error.stack : String(error), msg: 'SQL command failed' }),
      metrics: this.metrics.sql,
    });
  }

  /** A coordinator adopted this running source (or moved the role): heartbeats follow the assignment. */
  private assignmentChanged(): void {
    const assignment = this.view.source;
    if (this.role === 'source' && assignment?.node === this.config.nodeName) {
      this.generation = assignment.generation;
      this.startHeartbeats();
    }
  }

  /**
   * Heartbeat groups while this node is source under an assignment: the coordinator's failure
   * detection reads them. A source no coordinator assigned writes none, so a standalone source's
   * log holds only its writes, as before there were coordinators.
   */
  private startHeartbeats(): void {
    if (this.heartbeats || this.generation === undefined || this.role !== 'source') return;
    this.heartbeats = setInterval(() => {
      const committer = this.committer;
      if (!committer || this.heartbeatPending) return;
      this.heartbeatPending = true;
      committer
        .heartbeat()
        .catch((error: unknown) => this.logger.warn({ event: 'heartbeat.failed', error: String(error), msg: 'heartbeat group not logged' }))
        .finally(() => (this.heartbeatPending = false));
    }, this.config.heartbeatIntervalMs);
    this.heartbeats.unref();
    this.logger.log({ event: 'heartbeat.started', interval_ms: this.config.heartbeatIntervalMs, generation: this.generation });
  }

  private stopHeartbeats(): void {
    if (this.heartbeats) clearInterval(this.heartbeats);
    this.heartbeats = undefined;
  }
}
