import { appendFile } from 'node:fs/promises';
import type { PodLabeler } from '../coordinator/ports';

/** `--pod-labeler record:<file>`: each call as one JSON line, so end-to-end tests see what Kubernetes would be told. */
export class RecordingPodLabeler implements PodLabeler {
  constructor(private readonly file: string) {}

  async setRoles(sourcePod: string | null, otherPods: readonly string[]): Promise<void> {
    await appendFile(this.file, `${JSON.stringify({ source: sourcePod, replicas: otherPods, atMs: Date.now() })}\n`);
  }
}
