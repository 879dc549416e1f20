import type { BinlogGroup } from '@kbinlog/binlog';
import type { Kafka } from 'kafkajs';
import { BinlogReader, type FetchedRecord } from './binlog-reader';
import { logRange } from './log-range';

/** Which groups to read: from an offset (or the log start), to an offset (or the log's end when the read began), and between commit times. */
export interface RangeQuery {
  readonly fromOffset?: bigint;
  /** Groups at or past this offset are not read. */
  readonly toOffset?: bigint;
  /** mysqlbinlog's --start-datetime: the first group committed at or after it (µs since the epoch). */
  readonly startTimeUs?: number;
  /** mysqlbinlog's --stop-datetime: no group committed at or after it. */
  readonly stopTimeUs?: number;
  /** A bound on the whole read; the reader gives up with an error after it. */
  readonly timeoutMs?: number;
}

/** A group read from the log, with its offset and the fetch position after it. */
export interface RangeGroup {
  readonly offset: bigint;
  readonly nextOffset: bigint;
  readonly group: BinlogGroup;
}

/** What the read covered: the log's bounds when it began, and where it stopped. */
export interface RangeEnd {
  readonly logStart: bigint;
  readonly logEnd: bigint;
  /** Where the read stopped: past the last group read, or the end it read to. */
  readonly stoppedAt: bigint;
}

export class BinlogRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BinlogRangeError';
  }
}

/**
 * Reads the binlog's committed groups in a range, read_committed, in offset order: what
 * mysqlbinlog and SHOW BINLOG EVENTS read. `onGroup` answers false to stop early (a LIMIT). A
 * record that does not decode stops the read with an error naming its offset. The consumer's
 * group (`groupId`) commits nothing: it only lets kafkajs fetch.
 */
export async function readBinlogRange(kafka: Kafka, topic: string, groupId: string, query: RangeQuery, onGroup: (group: RangeGroup) => boolean | Promise<boolean>): Promise<RangeEnd> {
  const admin = kafka.admin();
  await admin.connect();
  let bounds: { start: bigint; end: bigint };
  let from: bigint;
  try {
    bounds = await logRange(admin, topic);
    from = query.fromOffset ?? bounds.start;
    if (query.fromOffset === undefined && query.startTimeUs !== undefined) {
      // Kafka's record timestamps are the writer's append times, a little before each commit: start a second early.
      const [found] = await admin.fetchTopicOffsetsByTimestamp(topic, Math.floor(query.startTimeUs / 1000) - 1_000);
      const offset = BigInt(found?.offset ?? '-1');
      from = offset < 0n ? bounds.end : offset > bounds.start ? offset : bounds.start;
    }
  } finally {
    await admin.disconnect();
  }
  const end = query.toOffset !== undefined && query.toOffset < bounds.end ? query.toOffset : bounds.end;
  if (from < bounds.start || from > bounds.end) {
    throw new BinlogRangeError(`offset ${from} is outside the binlog, which holds offsets ${bounds.start} to ${bounds.end}`);
  }
  if (from >= end) return { logStart: bounds.start, logEnd: bounds.end, stoppedAt: from };

  const reader = new BinlogReader(kafka, topic, groupId);
  let stoppedAt = from;
  let failure: Error | undefined;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let done = false;
  const stop = (error?: Error) => {
    failure ??= error;
    done = true;
    finish();
  };
  const onRecord = async (record: FetchedRecord): Promise<void> => {
    if (done) return;
    if (record.offset >= end) return stop();
    if ('error' in record) return stop(new BinlogRangeError(record.error.message));
    const { group } = record;
    if (query.stopTimeUs !== undefined && group.commitTimeUs >= query.stopTimeUs) return stop();
    // A group's position after it is the next offset, as a replica that applied it stands there (docs/binlog-format.md).
    stoppedAt = record.offset + 1n;
    if (query.startTimeUs !== undefined && group.commitTimeUs < query.startTimeUs) return;
    if (!(await onGroup({ offset: record.offset, nextOffset: record.offset + 1n, group }))) stop();
  };
  const timer = setTimeout(() => stop(new BinlogRangeError(`the binlog was not read from ${from} to ${end} within ${query.timeoutMs ?? 60_000} ms`)), query.timeoutMs ?? 60_000);
  try {
    await reader.start(from, {
      onRecords: async (records) => {
        for (const record of records) await onRecord(record);
      },
      onFetched: (nextOffset) => {
        if (done) return;
        if (nextOffset > stoppedAt) stoppedAt = nextOffset;
        // Fetched to the end: whatever lies between is markers and aborted records.
        if (nextOffset >= end) stop();
      },
      onStopped: (error) => stop(error),
    });
    await finished;
  } finally {
    clearTimeout(timer);
    await reader.stop().catch(() => undefined);
  }
  if (failure) throw failure;
  return { logStart: bounds.start, logEnd: bounds.end, stoppedAt: stoppedAt < end ? stoppedAt : end };
}
