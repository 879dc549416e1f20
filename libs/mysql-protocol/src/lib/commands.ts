import { CommandCode } from './constants';
import { malformed } from './errors';
import { PayloadReader } from './wire';

export type Command =
  | { kind: 'query'; sql: string }
  | { kind: 'init_db'; schema: string }
  | { kind: 'ping' }
  | { kind: 'quit' }
  | { kind: 'stmt_prepare'; sql: string }
  | {
      kind: 'stmt_execute';
      statementId: number;
      flags: number;
      iterationCount: number;
      /** NULL bitmap, types and values; read with decodeExecuteParams once the statement is known. */
      rest: Buffer;
    }
  | { kind: 'stmt_close'; statementId: number }
  | { kind: 'stmt_reset'; statementId: number }
  | { kind: 'unknown'; code: number };

/** One client command payload (the packet after the handshake with sequence id 0). */
export function decodeCommand(payload: Buffer): Command {
  if (payload.length === 0) throw malformed('empty command packet');
  const reader = new PayloadReader(payload, 1);
  const code = payload[0] as number;
  switch (code) {
    case CommandCode.QUERY:
      return { kind: 'query', sql: reader.restString('query') };
    case CommandCode.INIT_DB:
      return { kind: 'init_db', schema: reader.restString('schema name') };
    case CommandCode.PING:
      return { kind: 'ping' };
    case CommandCode.QUIT:
      return { kind: 'quit' };
    case CommandCode.STMT_PREPARE:
      return { kind: 'stmt_prepare', sql: reader.restString('statement') };
    case CommandCode.STMT_EXECUTE:
      return {
        kind: 'stmt_execute',
        statementId: reader.u32('statement id'),
        flags: reader.u8('cursor flags'),
        iterationCount: reader.u32('iteration count'),
        rest: Buffer.from(reader.rest()),
      };
    case CommandCode.STMT_CLOSE:
      return { kind: 'stmt_close', statementId: reader.u32('statement id') };
    case CommandCode.STMT_RESET:
      return { kind: 'stmt_reset', statementId: reader.u32('statement id') };
    default:
      return { kind: 'unknown', code };
  }
}
