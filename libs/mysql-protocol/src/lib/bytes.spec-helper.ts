import { ProtocolError } from './errors';

/** Bytes from a hex string with any spacing: hex('00 01 2a'). */
export const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

/** The ProtocolError fn throws, failing the test if it throws anything else or nothing. */
export function protocolErrorOf(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw new Error(`expected a ProtocolError, got ${String(error)}`);
  }
  throw new Error('expected a ProtocolError, nothing was thrown');
}

/** errno and SQLSTATE of the ProtocolError fn throws. */
export const codeOf = (fn: () => unknown) => {
  const error = protocolErrorOf(fn);
  return [error.errno, error.sqlState];
};
