import { z } from 'zod';

/**
 * The cluster's topology as records on a compacted Kafka topic (`kbinlog.<cluster>.topology`):
 * the latest record per key is the truth, so a coordinator that starts (or a second one) reads
 * the topic from its beginning and knows every node, the current source and the last recovery
 * at once (docs/coordinator.md). Values are versioned JSON, validated on read.
 *
 * | key | record | written by |
 * |---|---|---|
 * | `node/<name>` | NodeReport: what the node says of itself, every heartbeat | the node |
 * | `source` | SourceAssignment: which node holds the writer role | the leading coordinator (fenced) |
 * | `recovery` | RecoveryRecord: the last switchover or failover and its state | the leading coordinator (fenced) |
 */
export const TOPOLOGY_FORMAT_VERSION = 1;

/** What a node does now. `promoting`: fencing the old writer and catching up; `demoting`: draining writes. */
export const NODE_ROLES = ['starting', 'replica', 'promoting', 'source', 'demoting'] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

/** orchestrator's promotion rules (prefer_not is left out: neutral and must_not cover our needs). */
export const PROMOTION_RULES = ['prefer', 'neutral', 'must_not'] as const;
export type PromotionRule = (typeof PROMOTION_RULES)[number];

/** Which service runs the node: `source` (the node service, promotable) or `replica` (apply only). */
export type NodeService = 'source' | 'replica';

export interface NodeReport {
  readonly kind: 'node';
  readonly node: string;
  readonly service: NodeService;
  readonly role: NodeRole;
  readonly serverId: number;
  readonly serverUuid: string;
  readonly promotionRule: PromotionRule;
  /** Base URL of the node's HTTP API, e.g. http://10.0.0.7:8081. */
  readonly httpUrl: string;
  /** host:port of the memcached and MySQL front doors; null where the node has none. */
  readonly memcached: string | null;
  readonly mysql: string | null;
  /** Kubernetes pod name (KBINLOG_POD_NAME), for labelling the source pod; null outside Kubernetes. */
  readonly pod: string | null;
  /** Exec position: the offset of the next group to apply (or, on the source, to write). */
  readonly appliedOffset: string;
  readonly executedGtidSet: string;
  /** Age of the last applied group, in ms (pt-heartbeat lag); null before the first group. */
  readonly appliedAgeMs: number | null;
  readonly ioRunning: boolean;
  readonly sqlRunning: boolean;
  readonly lastError: string;
  /** True only while the node takes writes (role source). */
  readonly writable: boolean;
  readonly startedAtMs: number;
  readonly reportedAtMs: number;
}

export interface SourceAssignment {
  readonly kind: 'source';
  readonly node: string;
  /** Grows by one with every change of source. */
  readonly generation: number;
  readonly reason: 'adopted' | 'switchover' | 'failover';
  readonly assignedAtMs: number;
  /** The coordinator instance that wrote it. */
  readonly by: string;
}

export interface RecoveryRecord {
  readonly kind: 'recovery';
  readonly id: string;
  readonly type: 'switchover' | 'failover';
  readonly from: string | null;
  readonly to: string;
  readonly state: 'started' | 'done' | 'failed';
  readonly startedAtMs: number;
  readonly endedAtMs: number | null;
  /** An operator acknowledged it: the anti-flapping block no longer applies. */
  readonly acknowledged: boolean;
  readonly detail: string;
}

export type TopologyRecord = NodeReport | SourceAssignment | RecoveryRecord;

export class TopologyFormatError extends Error {
  constructor(readonly key: string, reason: string) {
    super(`malformed topology record ${JSON.stringify(key)}: ${reason}`);
    this.name = 'TopologyFormatError';
  }
}

const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);
const offset = z.string().regex(/^\d{1,20}$/);
const epochMs = z.number().int().nonnegative();

const nodeReport = z
  .object({
    kind: z.literal('node'),
    node: name,
    service: z.enum(['source', 'replica']),
    role: z.enum(NODE_ROLES),
    serverId: z.number().int().min(1).max(2 ** 32 - 1),
    serverUuid: z.string().min(1).max(64),
    promotionRule: z.enum(PROMOTION_RULES),
    httpUrl: z.string().url(),
    memcached: z.string().nullable(),
    mysql: z.string().nullable(),
    pod: z.string().nullable(),
    appliedOffset: offset,
    executedGtidSet: z.string(),
    appliedAgeMs: z.number().int().nonnegative().nullable(),
    ioRunning: z.boolean(),
    sqlRunning: z.boolean(),
    lastError: z.string(),
    writable: z.boolean(),
    startedAtMs: epochMs,
    reportedAtMs: epochMs,
  })
  .strict();

const sourceAssignment = z
  .object({
    kind: z.literal('source'),
    node: name,
    generation: z.number().int().min(1),
    reason: z.enum(['adopted', 'switchover', 'failover']),
    assignedAtMs: epochMs,
    by: z.string().min(1).max(200),
  })
  .strict();

const recoveryRecord = z
  .object({
    kind: z.literal('recovery'),
    id: z.string().min(1).max(100),
    type: z.enum(['switchover', 'failover']),
    from: name.nullable(),
    to: name,
    state: z.enum(['started', 'done', 'failed']),
    startedAtMs: epochMs,
    endedAtMs: epochMs.nullable(),
    acknowledged: z.boolean(),
    detail: z.string(),
  })
  .strict();

const envelope = z.object({ format: z.literal(TOPOLOGY_FORMAT_VERSION), record: z.discriminatedUnion('kind', [nodeReport, sourceAssignment, recoveryRecord]) }).strict();

export const SOURCE_KEY = 'source';
export const RECOVERY_KEY = 'recovery';
export const nodeKey = (node: string): string => `node/${node}`;

/** The compaction key a record lives under. */
export function topologyKey(record: TopologyRecord): string {
  switch (record.kind) {
    case 'node':
      return nodeKey(record.node);
    case 'source':
      return SOURCE_KEY;
    case 'recovery':
      return RECOVERY_KEY;
  }
}

export function encodeTopologyRecord(record: TopologyRecord): { key: string; value: Buffer } {
  return { key: topologyKey(record), value: Buffer.from(JSON.stringify({ format: TOPOLOGY_FORMAT_VERSION, record })) };
}

/**
 * Decodes one record; null for a tombstone (a removed node). A record under the wrong key is
 * refused: compaction keeps one value per key, so a mismatch would hide another record.
 */
export function decodeTopologyRecord(key: string, value: Buffer | null): TopologyRecord | null {
  if (value === null || value.length === 0) return null;
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (error) {
    throw new TopologyFormatError(key, `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = envelope.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TopologyFormatError(key, `${issue.path.join('.') || 'record'}: ${issue.message}`);
  }
  const record = parsed.data.record as TopologyRecord;
  if (topologyKey(record) !== key) throw new TopologyFormatError(key, `a ${record.kind} record belongs under ${JSON.stringify(topologyKey(record))}`);
  return record;
}
