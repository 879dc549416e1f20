import { ConfigError, loadConfig } from './load-config';
import { serviceOptions } from './options';

const spec = serviceOptions({ httpPort: 8081 });

function load(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const result = loadConfig('kbinlog-test', spec, argv, env);
  if (result.kind !== 'config') throw new Error('expected a config');
  return result.config;
}

describe('loadConfig', () => {
  it('uses defaults when nothing is given', () => {
    expect(load([])).toEqual({ httpHost: '127.0.0.1', httpPort: 8081, logLevel: 'info' });
  });

  it('prefers a flag over the environment over the default', () => {
    expect(load([], { KBINLOG_HTTP_PORT: '9000' }).httpPort).toBe(9000);
    expect(load(['--http-port', '9001'], { KBINLOG_HTTP_PORT: '9000' }).httpPort).toBe(9001);
    expect(load(['--http-port=0']).httpPort).toBe(0);
  });

  it('reports every invalid value at once, naming flag, variable, value and origin', () => {
    let error: unknown;
    try {
      load(['--http-port', '70000'], { KBINLOG_LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems } = error as ConfigError;
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/--http-port \(or KBINLOG_HTTP_PORT\): expected a TCP port.*"70000" from --http-port/);
    expect(problems[1]).toMatch(/--log-level \(or KBINLOG_LOG_LEVEL\).*"loud" from KBINLOG_LOG_LEVEL/);
  });

  it.each([['--http-port', 'abc'], ['--http-port', '-1'], ['--http-port', '8080.5'], ['--http-port', ''], ['--http-port', '1'.repeat(400)]])(
    'rejects port %s %j',
    (flag, value) => {
      expect(() => load([flag, value])).toThrow(ConfigError);
    },
  );

  it('rejects unknown flags and positionals', () => {
    expect(() => load(['--no-such-flag', 'x'])).toThrow(/Unknown option '--no-such-flag'/);
    expect(() => load(['stray'])).toThrow(ConfigError);
  });

  it('rejects a flag given without its value', () => {
    expect(() => load(['--http-port'])).toThrow(ConfigError);
  });

  it('answers --help with usage naming every flag and variable', () => {
    const result = loadConfig('kbinlog-test', spec, ['--help'], {});
    expect(result.kind).toBe('help');
    if (result.kind === 'help') {
      for (const option of Object.values(spec)) {
        expect(result.usage).toContain(`--${option.flag}`);
        expect(result.usage).toContain(option.env);
      }
    }
  });
});
