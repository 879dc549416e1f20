/**
 * Binlog coordinates: where MySQL says `mysql-bin.000042:1234`, kbinlog says
 * `kbinlog.<cluster>.binlog-0:1234` — the binlog topic, its only partition, and a Kafka offset.
 *
 * Offsets are positions, not counts (transaction markers take offsets too), so this module only
 * formats, parses and compares them; it never derives one position from another by arithmetic.
 */

/** A cluster name becomes part of topic, consumer-group and transactional ids. */
const CLUSTER_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const COORDINATES = /^kbinlog\.([^.]+)\.binlog-(\d+):(\d+)$/;
const MAX_OFFSET = (1n << 63n) - 1n;

export interface BinlogCoordinates {
  readonly cluster: string;
  readonly topic: string;
  readonly partition: number;
  /** Kafka offset of a binlog group (int64, hence bigint). */
  readonly offset: bigint;
}

export class InvalidCoordinatesError extends Error {
  constructor(readonly input: string, reason: string) {
    super(`invalid binlog coordinates "${input}": ${reason}`);
    this.name = 'InvalidCoordinatesError';
  }
}

export function assertClusterName(cluster: string): void {
  if (!CLUSTER_NAME.test(cluster)) {
    throw new RangeError(
      `invalid cluster name "${cluster}": use 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
    );
  }
}

/** The one binlog topic of a cluster (invariant 1: one topic, one partition, one total order). */
export function binlogTopic(cluster: string): string {
  assertClusterName(cluster);
  return `kbinlog.${cluster}.binlog`;
}

export function binlogCoordinates(cluster: string, offset: bigint | number | string): BinlogCoordinates {
  const value = BigInt(offset);
  if (value < 0n || value > MAX_OFFSET) {
    throw new RangeError(`binlog offset ${value} is outside 0..${MAX_OFFSET}`);
  }
  return { cluster, topic: binlogTopic(cluster), partition: 0, offset: value };
}

export function formatCoordinates(position: BinlogCoordinates): string {
  return `${position.topic}-${position.partition}:${position.offset}`;
}

export function parseCoordinates(input: string): BinlogCoordinates {
  const match = COORDINATES.exec(input.trim());
  if (!match) {
    throw new InvalidCoordinatesError(input, 'expected kbinlog.<cluster>.binlog-0:<offset>');
  }
  const [, cluster, partition, offset] = match;
  if (!CLUSTER_NAME.test(cluster)) {
    throw new InvalidCoordinatesError(input, `"${cluster}" is not a valid cluster name`);
  }
  if (partition !== '0') {
    throw new InvalidCoordinatesError(input, 'a binlog topic has exactly one partition, 0');
  }
  if (BigInt(offset) > MAX_OFFSET) {
    throw new InvalidCoordinatesError(input, 'offset does not fit in a Kafka int64');
  }
  return binlogCoordinates(cluster, offset);
}

/** Orders two positions of the same binlog; positions of different clusters do not compare. */
export function compareCoordinates(a: BinlogCoordinates, b: BinlogCoordinates): -1 | 0 | 1 {
  if (a.topic !== b.topic) {
    throw new RangeError(`cannot compare positions of different binlogs: ${a.topic} and ${b.topic}`);
  }
  return a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0;
}
