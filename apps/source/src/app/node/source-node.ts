import { binlogCoordinates, formatCoordinates } from '@kbinlog/binlog';
import { BinlogWriter, clusterNames, createKafka, ensureBinlogTopic, kafkaLogTo, logRange } from '@kbinlog/binlog-kafka';
import { bootstrapInnodbMemcache, ensureNodeSchema, type NodeDatabase, nodeServerUuid, openNodeDatabase, TableCatalog } from '@kbinlog/node-store';
import { channelLogTo, ReplicationChannel } from '@kbinlog/replication';
import { KBINLOG_VERSION } from '@kbinlog/service-runtime';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { loadInnodbMapping } from '../memcached/innodb-mapping';
import { MemcachedEngine } from '../memcached/memcached-engine';
import { MemcachedServer } from '../memcached/memcached-server';
import { SOURCE_CONFIG, type SourceConfig } from '../source-config';
import { MIN_SERVER_VERSION, parseServerVersion } from '@kbinlog/sql-statement';
import { BackendConnection } from '../sql/backend-connection';
import { CaptureTriggers } from '../sql/capture-triggers';
import { CLEAR_OWN_CAPTURE } from '../sql/row-capture';
import { MysqlServer } from '../sql/mysql-server';
import { SqlSession } from '../sql/sql-session';
import { WriteGate } from '../sql/write-gate';
import { BinlogCommitter } from '../write-path/binlog-committer';
import { parseFaultInjection } from '../write-path/fault-injection';

const CATCH_UP_TIMEOUT_MS = 10 * 60_000;

/** SHOW MASTER STATUS, with MySQL's field names. */
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
}

/**
 * The source node's life: its database, the binlog writer (fencing any earlier writer), catching
 * up from its own log before it opens its memcached port (invariants 2 and 4), then serving.
 */
@Injectable()
export class SourceNode implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('source');
  private database!: NodeDatabase;
  private kafka!: Kafka;
  private admin!: Admin;
  private writer!: BinlogWriter;
  private committer!: BinlogCommitter;
  private server!: MemcachedServer;
  private serverUuid = '';
  private memcachedPort = 0;
  private mysql: MysqlServer | undefined;
  private mysqlPort: number | null = null;

  constructor(@Inject(SOURCE_CONFIG) private readonly config: SourceConfig) {}

  async onModuleInit(): Promise<void> {
    const { config } = this;
    const names = clusterNames(config.cluster);
    this.database = await openNodeDatabase(config.databaseUrl);
    const { writer, reader } = this.database;
    await ensureNodeSchema(writer);
    this.serverUuid = await nodeServerUuid(writer);
    await bootstrapInnodbMemcache(writer);
    this.logger.log({ event: 'node.database', store: this.database.store, location: this.database.location });

    this.kafka = createKafka({
      clientId: `kbinlog-source-${config.nodeName}`,
      brokers: config.kafkaBrokers,
      log: kafkaLogTo(this.logger),
    });
    this.admin = this.kafka.admin();
    await this.admin.connect();
    const created = await ensureBinlogTopic(this.admin, names.topic, {
      retentionMs: config.binlogRetentionMs,
      replicationFactor: config.binlogReplicationFactor,
      minInsyncReplicas: config.binlogMinInsyncReplicas,
    });
    this.logger.log({ event: 'binlog.topic', topic: names.topic, created: created === 'created' });

    // Fence first: from here no earlier writer can commit, so the log end below is final.
    this.writer = new BinlogWriter(this.kafka, names.topic, names.writerTransactionalId);
    await this.writer.connect();
    const catalog = new TableCatalog();
    const channel = new ReplicationChannel(
      this.kafka,
      writer,
      catalog,
      { cluster: config.cluster, topic: names.topic, consumerGroup: names.replicaGroup(config.nodeName), execMode: 'STRICT', relayMaxRecords: 10_000, relayMaxBytes: 64 << 20 },
      channelLogTo(this.logger),
    );
    const stored = await channel.load();
    const { start, end } = await logRange(this.admin, names.topic);
    // A position outside the log means the log lost what this store holds (a recreated topic)
    // or groups it never applied (retention): serving writes on top would break invariant 2.
    if (stored.nextOffset > end || stored.nextOffset < start) {
      throw new Error(
        `this database stands at ${formatCoordinates(binlogCoordinates(config.cluster, stored.nextOffset))}, outside the binlog, which holds offsets ${start} to ${end}: ` +
          'restore the node from a replica that applied the log, or point it at an empty database',
      );
    }
    if (stored.nextOffset < end) {
      const started = Date.now();
      this.logger.log({ event: 'catch_up.started', from: stored.nextOffset.toString(), to: end.toString(), msg: 'applying the binlog the store lacks' });
      await channel.start();
      await channel.waitUntilApplied(end, CATCH_UP_TIMEOUT_MS);
      await channel.stop();
      this.logger.log({ event: 'catch_up.done', position: channel.position.nextOffset.toString(), ms: Date.now() - started, msg: 'caught up' });
    }

    const mapping = await loadInnodbMapping(reader);
    this.committer = new BinlogCommitter(
      writer,
      catalog,
      this.writer,
      { serverUuid: this.serverUuid, serverId: config.serverId },
      channel.position,
      {
        wBatchSize: config.wBatchSize,
        // On MariaDB the SQL front door's triggers capture memcached writes too; they log their own.
        ...(this.database.store === 'mariadb' ? { clearOwnCapture: CLEAR_OWN_CAPTURE } : {}),
        onFatal: (reason, error) => {
          // The store and the log may disagree: restart, and catching up at start reconciles them.
          this.logger.fatal({ event: 'source.fatal', reason, error: String(error) }, 'stopping: the store must be reconciled with the binlog');
          setImmediate(() => process.exit(70));
        },
      },
      parseFaultInjection(config.faultInjection),
    );
    const engine = new MemcachedEngine(mapping, reader, this.committer, catalog, `${KBINLOG_VERSION}-kbinlog`,
      () => this.server.connections,
      (error) => this.logger.error({ event: 'memcached.internal_error', error: error instanceof Error ? error.stack : String(error), msg: 'command failed' }),
    );
    this.server = new MemcachedServer(engine, config.maxItemSize, {
      info: (fields, message) => this.logger.log({ ...fields, msg: message }),
      warn: (fields, message) => this.logger.warn({ ...fields, msg: message }),
    });
    this.mysql = await this.openSqlFrontDoor();
    this.logger.log({
      event: 'source.ready',
      server_uuid: this.serverUuid,
      server_id: config.serverId,
      position: this.status().Binlog_Coordinates,
      containers: [...mapping.containers.keys()],
      default_container: mapping.defaultContainer.name,
    });
  }

  /**
   * SQL over the MySQL protocol needs a MySQL-compatible store: its statements run there as
   * written. Capture triggers go on every table first (a promoted replica has none).
   */
  private async openSqlFrontDoor(): Promise<MysqlServer | undefined> {
    const { config } = this;
    if (this.database.store !== 'mariadb') {
      this.logger.warn({ event: 'sql.disabled', store: this.database.store, msg: 'no MySQL port: SQL clients need a MariaDB store (--store mariadb)' });
      return undefined;
    }
    const triggers = new CaptureTriggers();
    const backend = await BackendConnection.open(config.databaseUrl);
    let version: string;
    try {
      const installed = await triggers.installAll(backend);
      this.logger.log({ event: 'sql.capture_ready', tables: installed.tables, uncapturable: installed.uncapturable, msg: 'capture triggers in place' });
      [{ version }] = await backend.rows<{ version: string }>('SELECT @@version AS version');
    } finally {
      backend.close();
    }
    const serverVersion = parseServerVersion(version);
    if (serverVersion === undefined || serverVersion < MIN_SERVER_VERSION) {
      throw new Error(`the SQL front door needs MariaDB 10.11 or newer as the source's database, found ${version}`);
    }
    const context = { databaseUrl: config.databaseUrl, committer: this.committer, gate: new WriteGate(), triggers, serverVersion };
    return new MysqlServer({
      users: config.sqlUsers,
      serverVersion: `${version}-kbinlog-${KBINLOG_VERSION}`,
      maxPayload: config.maxAllowedPacket,
      openSession: (schema) => SqlSession.open(context, schema),
      onInternalError: (error) => this.logger.error({ event: 'sql.internal_error', error: error instanceof Error ? error.stack : String(error), msg: 'SQL command failed' }),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.memcachedPort = await this.server.listen(this.config.memcachedPort, this.config.memcachedHost);
    this.logger.log({ event: 'memcached.listening', host: this.config.memcachedHost, port: this.memcachedPort, msg: 'memcached protocol listening' });
    if (this.mysql) {
      this.mysqlPort = await this.mysql.listen(this.config.mysqlPort, this.config.mysqlHost);
      this.logger.log({ event: 'mysql.listening', host: this.config.mysqlHost, port: this.mysqlPort, msg: 'MySQL protocol listening' });
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.committer?.refuse('the source is shutting down');
    await this.server?.close();
    await this.mysql?.close();
    await this.writer?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
    await this.database?.close().catch(() => undefined);
  }

  status(): SourceStatus {
    const position = this.committer.position;
    return {
      File: `${position.topic}-0`,
      Position: position.nextOffset.toString(),
      Executed_Gtid_Set: position.executedGtids.toString(),
      Server_Id: this.config.serverId,
      Server_UUID: this.serverUuid,
      Binlog_Coordinates: formatCoordinates(binlogCoordinates(this.config.cluster, position.nextOffset)),
      Memcached_Port: this.memcachedPort,
      Mysql_Port: this.mysqlPort,
    };
  }
}
