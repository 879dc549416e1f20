/**
 * Kafka's answer to a transactional producer whose epoch is gone (a newer producer called
 * initTransactions with its transactional.id): INVALID_PRODUCER_EPOCH or PRODUCER_FENCED.
 * kafkajs 2 has no name for PRODUCER_FENCED (error 90), only its message, and wraps errors when
 * its retries run out, so the causes are searched too. Both fenced writers use it: the source's
 * binlog writer and the leading coordinator's topology writer.
 */
export function isFencedError(error: unknown, depth = 0): boolean {
  if (error === null || error === undefined || depth > 3) return false;
  const { type, originalError, cause } = error as { type?: string; originalError?: unknown; cause?: unknown };
  const text = `${type ?? ''} ${error instanceof Error ? error.message : String(error)}`;
  return /INVALID_PRODUCER_EPOCH|PRODUCER_FENCED|epoch|fenced/i.test(text) || isFencedError(originalError, depth + 1) || isFencedError(cause, depth + 1);
}
