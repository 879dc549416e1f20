import { buildProgram } from './program';

function run(args: string[]) {
  let out = '';
  let err = '';
  const program = buildProgram('1.2.3').exitOverride();
  program.configureOutput({ writeOut: (text) => (out += text), writeErr: (text) => (err += text) });
  for (const command of program.commands) {
    command.exitOverride().configureOutput({ writeOut: (text) => (out += text), writeErr: (text) => (err += text) });
  }
  let code = 0;
  return program
    .parseAsync(['node', 'kbinlog', ...args])
    .catch((error: { exitCode?: number }) => {
      code = error.exitCode ?? 1;
    })
    .then(() => ({ code, out, err }));
}

describe('kbinlog program', () => {
  it('describes itself and its commands in --help', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: kbinlog');
    expect(out).toContain('health');
    expect(out).toMatch(/^\s+status /m);
    expect(out).toMatch(/^\s+replica /m);
  });

  it('prints its version', async () => {
    expect((await run(['--version'])).out.trim()).toBe('1.2.3');
  });

  it('rejects an unknown command with a suggestion-bearing error', async () => {
    const { code, err } = await run(['helth']);
    expect(code).not.toBe(0);
    expect(err).toMatch(/unknown command 'helth'/);
  });

  it('rejects a health target that is not an http URL', async () => {
    const { code, err } = await run(['health', 'ftp://x']);
    expect(code).not.toBe(0);
    expect(err).toMatch(/expected an http\(s\) URL/);
    expect((await run(['health', 'not a url'])).err).toMatch(/not a URL/);
  });
});
