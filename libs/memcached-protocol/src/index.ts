export * from './lib/command';
export { ErrorReply, type ErrorReplyText } from './lib/error-replies';
export { isValidKey } from './lib/keys';
export {
  COMMAND_LINE_MAX_LENGTH,
  DEFAULT_MAX_ITEM_SIZE,
  DEFAULT_MAX_MULTIGET_LINE_LENGTH,
  KEY_MAX_LENGTH,
  type MemcachedParserOptions,
} from './lib/limits';
export { MemcachedParser } from './lib/parser';
export * from './lib/replies';
