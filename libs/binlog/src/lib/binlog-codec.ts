import { z } from 'zod';
import type { BinlogGroup } from './binlog-group';
import { parseGtid } from './gtid';

/**
 * The wire form of a binlog group (docs/binlog-format.md). Version 1:
 * key = GTID; headers format, server_id, events; value = JSON
 * `{"format":1,"gtid":…,"server_id":…,"commit_time_us":…,"events":[…]}`.
 * Readers reject unknown versions rather than guess: a replica must never half-understand a group.
 */
export const BINLOG_FORMAT_VERSION = 1;

/** A Kafka record as the codec sees it; the Kafka adapter maps it to its client's types. */
export interface BinlogRecord {
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

export class BinlogFormatError extends Error {
  constructor(readonly position: string, reason: string) {
    super(`malformed binlog group at ${position}: ${reason}`);
    this.name = 'BinlogFormatError';
  }
}

const identifier = z.string().min(1).max(64);
const rowImage = z.record(z.string().min(1), z.string().nullable());
const event = z.discriminatedUnion('type', [
  z.object({ type: z.literal('insert'), schema: identifier, table: identifier, after: rowImage }).strict(),
  z.object({ type: z.literal('update'), schema: identifier, table: identifier, before: rowImage, after: rowImage }).strict(),
  z.object({ type: z.literal('delete'), schema: identifier, table: identifier, before: rowImage }).strict(),
  z
    .object({
      type: z.literal('statement'),
      schema: z.string().max(64),
      sql: z.string().min(1),
      tables: z.array(z.object({ schema: identifier, table: identifier }).strict()).optional(),
    })
    .strict(),
]);
const groupV1 = z
  .object({
    format: z.literal(BINLOG_FORMAT_VERSION),
    gtid: z.string().refine((gtid) => {
      try {
        parseGtid(gtid);
        return true;
      } catch {
        return false;
      }
    }, 'expected <server_uuid>:<n>'),
    server_id: z.number().int().min(1).max(2 ** 32 - 1),
    commit_time_us: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    events: z.array(event),
  })
  .strict();

export function encodeBinlogGroup(group: BinlogGroup): BinlogRecord {
  const value = {
    format: BINLOG_FORMAT_VERSION,
    gtid: group.gtid,
    server_id: group.serverId,
    commit_time_us: group.commitTimeUs,
    events: group.events,
  };
  return {
    key: group.gtid,
    value: Buffer.from(JSON.stringify(value)),
    headers: { format: String(BINLOG_FORMAT_VERSION), server_id: String(group.serverId), events: String(group.events.length) },
  };
}

/** Decodes and validates one record's value; `position` (coordinates) names it in errors. */
export function decodeBinlogGroup(value: Buffer | null, position: string): BinlogGroup {
  if (value === null || value.length === 0) throw new BinlogFormatError(position, 'empty record value');
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (error) {
    throw new BinlogFormatError(position, `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new BinlogFormatError(position, 'not a JSON object');
  }
  const format = (json as { format?: unknown }).format;
  if (format !== BINLOG_FORMAT_VERSION) {
    throw new BinlogFormatError(position, `unknown format version ${JSON.stringify(format)}; this reader knows ${BINLOG_FORMAT_VERSION}`);
  }
  const parsed = groupV1.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BinlogFormatError(position, `${issue.path.join('.') || 'group'}: ${issue.message}`);
  }
  const { gtid, server_id, commit_time_us, events } = parsed.data;
  return { gtid, serverId: server_id, commitTimeUs: commit_time_us, events };
}
