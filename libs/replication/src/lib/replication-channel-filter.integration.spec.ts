import { type BinlogEvent, type BinlogGroup } from '@kbinlog/binlog';
import { BinlogWriter, clusterNames, ensureBinlogTopic } from '@kbinlog/binlog-kafka';
import { ensureNodeSchema, type NodeDatabase, openNodeDatabase, queryRows, TableCatalog } from '@kbinlog/node-store';
import { createTestDatabase, deleteTestTopics, mariadbUrl, resetNodeDatabases, type TestDatabase, testInfra, testKafka, uniqueName } from '@kbinlog/testing';
import type { Admin, Kafka } from 'kafkajs';
import { type ChannelFilter, type ReplicationFilterStatus, ReplicationChannel } from './replication-channel';

const UUID = '7c0d6a9e-3b1f-4e8a-a2d4-5f6e7a8b9c0d';
const QUIET = { info: () => undefined, error: () => undefined };

function group(n: number, events: readonly BinlogEvent[]): BinlogGroup {
  return { gtid: `${UUID}:${n}`, serverId: 1, commitTimeUs: Date.now() * 1000, events };
}

const insert = (schema: string, table: string, id: string): BinlogEvent => ({ type: 'insert', schema, table, after: { id } });

/**
 * A filter as the replica builds it from --replicate-ignore-table=test.skipped and
 * --replicate-rewrite-db=prod->`copy` (libs/replication-filter; this shared library may not
 * depend on it, so the test states the two rules by hand).
 */
function ignoreSkippedRewriteProd(copy: string): ChannelFilter {
  const status: ReplicationFilterStatus = {
    Replicate_Do_DB: '',
    Replicate_Ignore_DB: '',
    Replicate_Do_Table: '',
    Replicate_Ignore_Table: 'test.skipped',
    Replicate_Wild_Do_Table: '',
    Replicate_Wild_Ignore_Table: '',
    Replicate_Rewrite_DB: `(prod,${copy})`,
  };
  return {
    apply: (event) => {
      const schema = event.schema === 'prod' ? copy : event.schema;
      if (event.type !== 'statement' && schema === 'test' && event.table === 'skipped') return null;
      return { ...event, schema };
    },
    status: () => status,
  };
}

describe('a replication channel with replication filters, on the real broker and MariaDB', () => {
  const infra = testInfra();
  const cluster = uniqueName('filter');
  const names = clusterNames(cluster);
  let kafka: Kafka;
  let admin: Admin;
  let opened: NodeDatabase;
  let copyDatabase: TestDatabase;
  let channel: ReplicationChannel | undefined;

  beforeAll(async () => {
    kafka = testKafka(infra);
    admin = kafka.admin();
    await admin.connect();
    await ensureBinlogTopic(admin, names.topic, { retentionMs: -1, replicationFactor: 1, minInsyncReplicas: 1 });
    const server = infra.mariadb[0];
    await resetNodeDatabases(server);
    copyDatabase = await createTestDatabase(server, 'channel_copy');
    opened = await openNodeDatabase(mariadbUrl(server));
    await ensureNodeSchema(opened.writer);
    await opened.writer.query('CREATE DATABASE test');
    for (const table of ['test.kept', 'test.skipped', `\`${copyDatabase.database}\`.kept`]) {
      await opened.writer.query(`CREATE TABLE ${table} (id VARCHAR(16) NOT NULL PRIMARY KEY)`);
    }
  });

  afterAll(async () => {
    await channel?.stop();
    await opened?.close();
    await copyDatabase?.drop();
    await deleteTestTopics(infra, [names.topic]).catch(() => undefined);
    await admin?.disconnect();
  });

  it('applies only what passes, rewrites, and still executes a filtered-out group', async () => {
    const writer = new BinlogWriter(kafka, names.topic, names.writerTransactionalId);
    await writer.connect();
    let last = 0n;
    try {
      const groups = [
        [insert('test', 'kept', 'k1'), insert('test', 'skipped', 's1')],
        [insert('test', 'skipped', 's2')],
        [insert('prod', 'kept', 'p1')],
      ];
      for (const [index, events] of groups.entries()) {
        const transaction = await writer.begin();
        last = await transaction.append(group(index + 1, events));
        await transaction.commit();
      }
    } finally {
      await writer.disconnect();
    }

    channel = new ReplicationChannel(
      kafka,
      opened.writer,
      new TableCatalog(),
      {
        cluster,
        topic: names.topic,
        consumerGroup: names.replicaGroup('replica-1'),
        execMode: 'STRICT',
        relayMaxRecords: 100,
        relayMaxBytes: 1_000_000,
        applyBatchMaxGroups: 1000,
        filter: ignoreSkippedRewriteProd(copyDatabase.database),
      },
      QUIET,
    );
    await channel.load();
    await channel.start();
    await channel.waitUntilApplied(last + 1n, 20_000);

    const ids = async (table: string) => (await queryRows(opened.reader.manager, `SELECT id FROM ${table} ORDER BY id`)).map((row) => row['id']);
    expect(await ids('test.kept')).toEqual(['k1']);
    expect(await ids('test.skipped')).toEqual([]);
    expect(await ids(`\`${copyDatabase.database}\`.kept`)).toEqual(['p1']);

    const status = channel.status();
    expect(status).toMatchObject({
      Exec_Source_Log_Pos: String(last + 1n),
      Executed_Gtid_Set: `${UUID}:1-3`,
      Last_SQL_Errno: 0,
      Replicate_Do_DB: '',
      Replicate_Ignore_Table: 'test.skipped',
      Replicate_Rewrite_DB: `(prod,${copyDatabase.database})`,
    });
    // MySQL's order: the table filters after Replica_SQL_Running, Replicate_Rewrite_DB before Channel_Name.
    const fields = Object.keys(status);
    expect(fields.indexOf('Replicate_Do_DB')).toBeGreaterThan(fields.indexOf('Replica_SQL_Running'));
    expect(fields.indexOf('Replicate_Wild_Ignore_Table')).toBeLessThan(fields.indexOf('Last_Errno'));
    expect(fields.indexOf('Replicate_Rewrite_DB')).toBe(fields.indexOf('Channel_Name') - 1);
  });
});
