import { CommanderError, type Command } from 'commander';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildProgram } from '../program';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `kbinlog <args>` in-process with its output captured and the environment given, as main.ts would. */
export async function runCli(args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const program = buildProgram('1.2.3', { out: (text) => (out += text), err: (text) => (err += text) });
  const capture = (command: Command): void => {
    command.exitOverride().configureOutput({ writeOut: (text) => (out += text), writeErr: (text) => (err += text) });
    command.commands.forEach(capture);
  };
  capture(program);
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  const setEnv = (values: Readonly<Record<string, string | undefined>>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  setEnv(env);
  let code = 0;
  try {
    await program.parseAsync(['node', 'kbinlog', ...args]);
  } catch (error) {
    if (error instanceof CommanderError) {
      code = error.exitCode;
    } else {
      err += `kbinlog: ${error instanceof Error ? error.message : String(error)}\n`;
      code = 1;
    }
  } finally {
    setEnv(saved);
  }
  return { code, out, err };
}

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly contentType: string | undefined;
  readonly body: string;
}

export interface FakeService {
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** A stand-in HTTP service answering every request with `answer`; it records what it was sent. */
export async function fakeService(answer: (request: RecordedRequest) => { status: number; type?: string; body: unknown }): Promise<FakeService> {
  const requests: RecordedRequest[] = [];
  const server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    let body = '';
    incoming.setEncoding('utf8');
    incoming.on('data', (chunk: string) => (body += chunk));
    incoming.on('end', () => {
      const request = { method: incoming.method ?? '', url: incoming.url ?? '', contentType: incoming.headers['content-type'], body };
      requests.push(request);
      const { status, type = 'application/json', body: reply } = answer(request);
      response.writeHead(status, { 'content-type': type }).end(typeof reply === 'string' ? reply : JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
