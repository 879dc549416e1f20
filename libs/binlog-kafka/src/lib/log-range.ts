import type { Admin } from 'kafkajs';

/** The offsets the binlog topic holds: from `start` (retention may have deleted earlier ones) to `end`. */
export interface LogRange {
  readonly start: bigint;
  /**
   * The high watermark. It equals the end a read_committed reader can reach (the last stable
   * offset) once no transaction is open: true right after the writer fenced every other writer
   * and before it opens its own, which is when a starting source catches up (invariant 4).
   */
  readonly end: bigint;
}

export async function logRange(admin: Admin, topic: string): Promise<LogRange> {
  const offsets = await admin.fetchTopicOffsets(topic);
  const partition = offsets.find((entry) => entry.partition === 0);
  if (!partition) throw new Error(`binlog topic ${topic} has no partition 0`);
  return { start: BigInt(partition.low), end: BigInt(partition.high) };
}
