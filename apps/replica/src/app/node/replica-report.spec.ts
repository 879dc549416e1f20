import type { ReplicaStatus } from '@kbinlog/replication';
import { decodeTopologyRecord, encodeTopologyRecord } from '@kbinlog/topology';
import { replicaNodeReport, type ReplicaReportInput } from './replica-report';

const status = (fields: Partial<ReplicaStatus>): ReplicaStatus =>
  ({ Exec_Source_Log_Pos: '1234', Executed_Gtid_Set: 'u:1-9', Replica_IO_Running: 'Yes', Replica_SQL_Running: 'Yes', Last_Error: '', ...fields }) as ReplicaStatus;

const input = (overrides: Partial<ReplicaReportInput> = {}): ReplicaReportInput => ({
  identity: { node: 'replica-1', server_id: 2, server_uuid: '6f3e1c2a-0b7d-4e5f-9a8b-1c2d3e4f5a6b' },
  httpUrl: 'http://10.0.0.7:8082',
  pod: '',
  status: status({}),
  appliedAgeMs: 420,
  startedAtMs: 1_700_000_000_000,
  nowMs: 1_700_000_005_000,
  ...overrides,
});

describe("the replica service's node report", () => {
  it('says what the replica is: never writable, never promotable, no front doors', () => {
    expect(replicaNodeReport(input())).toEqual({
      kind: 'node',
      node: 'replica-1',
      service: 'replica',
      role: 'replica',
      serverId: 2,
      serverUuid: '6f3e1c2a-0b7d-4e5f-9a8b-1c2d3e4f5a6b',
      promotionRule: 'must_not',
      httpUrl: 'http://10.0.0.7:8082',
      memcached: null,
      mysql: null,
      pod: null,
      appliedOffset: '1234',
      executedGtidSet: 'u:1-9',
      appliedAgeMs: 420,
      ioRunning: true,
      sqlRunning: true,
      lastError: '',
      writable: false,
      startedAtMs: 1_700_000_000_000,
      reportedAtMs: 1_700_000_005_000,
    });
  });

  it('carries stopped threads, the last error, the pod and a missing age', () => {
    const report = replicaNodeReport(
      input({ pod: 'kbinlog-replica-0', appliedAgeMs: null, status: status({ Replica_IO_Running: 'No', Replica_SQL_Running: 'No', Last_Error: 'Could not execute Delete_rows' }) }),
    );
    expect(report).toMatchObject({ pod: 'kbinlog-replica-0', appliedAgeMs: null, ioRunning: false, sqlRunning: false, lastError: 'Could not execute Delete_rows' });
  });

  it('is a record the topology topic accepts', () => {
    const { key, value } = encodeTopologyRecord(replicaNodeReport(input()));
    expect(key).toBe('node/replica-1');
    expect(decodeTopologyRecord(key, value)).toMatchObject({ kind: 'node', service: 'replica', promotionRule: 'must_not' });
  });
});
