export { classifyStatement } from './lib/classify';
export { MIN_SERVER_VERSION, parseServerVersion, type SqlTextOptions } from './lib/lexer';
export { REFUSALS, type RefusalId, type RefusalRule } from './lib/refusals';
export { splitStatements } from './lib/split';
export { type SystemVariableRef, systemVariableRefs } from './lib/system-variables';
export type * from './lib/types';
