import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

/**
 * `NODE_OPTIONS="--require bench/dist/profile/profile-hook.js" KBPROF_DIR=<dir> … kbinlog stack up`:
 * every kbinlog service process the stack starts profiles itself and writes
 * `<dir>/node-<pid>.cpuprofile` when it exits (SIGTERM from `stack down`). It is what
 * `node --cpu-prof` does (the inspector's sampling profiler, 1 ms interval), which Node does not
 * allow in NODE_OPTIONS. The CLI itself and any other Node process are left alone.
 */
const entry = process.argv[1] ?? '';
const directory = process.env['KBPROF_DIR'];
if (directory && entry.includes('/apps/') && !entry.includes('/apps/cli/')) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  // The in-process session answers synchronously, so the profile is written before the exit.
  process.on('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(directory, `node-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
