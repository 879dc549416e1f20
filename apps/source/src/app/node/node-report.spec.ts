import { GtidSet } from '@kbinlog/binlog';
import { decodeTopologyRecord, encodeTopologyRecord } from '@kbinlog/topology';
import { endpointOf, type NodeFacts, nodeReportOf } from './node-report';

const UUID = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
const NOW = 1_800_000_000_000;

const facts: NodeFacts = {
  node: 'node-b',
  role: 'replica',
  serverId: 2,
  serverUuid: UUID,
  promotionRule: 'prefer',
  httpUrl: 'http://10.0.0.7:8081',
  memcached: '10.0.0.7:11211',
  mysql: null,
  pod: '',
  position: { topic: 'kbinlog.c.binlog', nextOffset: 42n, executedGtids: GtidSet.parse(`${UUID}:1-20`), lastCommitTimeUs: (NOW - 750) * 1000 },
  ioRunning: true,
  sqlRunning: true,
  lastError: '',
  writable: false,
  startedAtMs: NOW - 60_000,
};

describe('nodeReportOf', () => {
  it('maps what the node knows to a NodeReport the topology accepts', () => {
    const report = nodeReportOf(facts, NOW);
    expect(report).toEqual({
      kind: 'node',
      node: 'node-b',
      service: 'source',
      role: 'replica',
      serverId: 2,
      serverUuid: UUID,
      promotionRule: 'prefer',
      httpUrl: 'http://10.0.0.7:8081',
      memcached: '10.0.0.7:11211',
      mysql: null,
      pod: null,
      appliedOffset: '42',
      executedGtidSet: `${UUID}:1-20`,
      appliedAgeMs: 750,
      ioRunning: true,
      sqlRunning: true,
      lastError: '',
      writable: false,
      startedAtMs: NOW - 60_000,
      reportedAtMs: NOW,
    });
    const { key, value } = encodeTopologyRecord(report);
    expect(decodeTopologyRecord(key, value)).toEqual(report);
  });

  it('has no age before the first group, and a pod name when given', () => {
    const report = nodeReportOf({ ...facts, pod: 'kbinlog-1', position: { ...facts.position, nextOffset: 0n, executedGtids: GtidSet.EMPTY, lastCommitTimeUs: 0 } }, NOW);
    expect(report).toMatchObject({ appliedAgeMs: null, pod: 'kbinlog-1', appliedOffset: '0', executedGtidSet: '' });
  });

  it('never reports a negative age (a commit time slightly ahead of this clock)', () => {
    expect(nodeReportOf({ ...facts, position: { ...facts.position, lastCommitTimeUs: (NOW + 5) * 1000 } }, NOW).appliedAgeMs).toBe(0);
  });
});

describe('endpointOf', () => {
  it('uses the advertised host, else a dialable listening address', () => {
    expect(endpointOf('0.0.0.0', 11211, 'db-1.example')).toBe('db-1.example:11211');
    expect(endpointOf('0.0.0.0', 11211, '')).toBe('127.0.0.1:11211');
    expect(endpointOf('::1', 3307, '')).toBe('[::1]:3307');
    expect(endpointOf('127.0.0.1', null, '')).toBeNull();
  });
});
