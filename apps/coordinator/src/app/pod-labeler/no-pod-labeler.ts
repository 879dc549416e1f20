import type { PodLabeler } from '../coordinator/ports';

/** Outside Kubernetes: clients ask GET /source instead. */
export class NoPodLabeler implements PodLabeler {
  async setRoles(): Promise<void> {
    // nothing to label
  }
}
