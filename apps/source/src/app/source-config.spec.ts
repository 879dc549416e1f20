import { ConfigError, loadConfig } from '@kbinlog/service-runtime';
import { SOURCE_OPTIONS } from './source-config';

/** The group-commit options only: the source's other settings with their defaults. */
function groupCommit(argv: string[]) {
  const result = loadConfig('kbinlog-source', SOURCE_OPTIONS, ['--database-url', 'mysql://kbinlog:kbinlog@127.0.0.1:3306/', ...argv], {});
  if (result.kind !== 'config') throw new Error('expected a config');
  return { maxBatch: result.config.groupCommitMaxBatch, maxWaitUs: result.config.groupCommitMaxWaitUs };
}

describe('source > config > group commit', () => {
  it('defaults to batches of 64 without waiting', () => {
    expect(groupCommit([])).toEqual({ maxBatch: 64, maxWaitUs: 0 });
  });

  it('takes a batch of 1..1000 and a wait of 0..1000000 µs', () => {
    expect(groupCommit(['--group-commit-max-batch', '1', '--group-commit-max-wait-us', '1000000'])).toEqual({ maxBatch: 1, maxWaitUs: 1_000_000 });
  });

  it.each([
    ['--group-commit-max-batch', '0'],
    ['--group-commit-max-batch', '1001'],
    ['--group-commit-max-wait-us', '1000001'],
    ['--group-commit-max-wait-us', '-1'],
    ['--group-commit-max-wait-us', '1.5'],
  ])('refuses %s %s at start', (flag, value) => {
    expect(() => groupCommit([`${flag}=${value}`])).toThrow(ConfigError);
  });
});
