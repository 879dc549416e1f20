#!/usr/bin/env node
import { KBINLOG_VERSION } from '@kbinlog/service-runtime';
import { buildProgram } from './program';

buildProgram(KBINLOG_VERSION)
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`kbinlog: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
