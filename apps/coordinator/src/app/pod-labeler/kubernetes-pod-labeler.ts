import { readFileSync } from 'node:fs';
import { type Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { POD_ROLE_LABEL, POD_ROLES, type PodRole } from '@kbinlog/topology';
import type { PodLabeler } from '../coordinator/ports';

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const REQUEST_TIMEOUT_MS = 5000;

export interface KubernetesApiAccess {
  /** https://host:port of the API server (http:// only in tests). */
  readonly baseUrl: string;
  readonly token: string;
  readonly namespace: string;
  /** Trusts the cluster's CA. */
  readonly agent: HttpAgent;
}

/** In-cluster access: the pod's service-account token and CA, the API server from the environment. */
export function inClusterAccess(namespaceOption: string, env: NodeJS.ProcessEnv = process.env, dir = SERVICE_ACCOUNT_DIR): KubernetesApiAccess {
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'] ?? '443';
  if (!host) throw new Error('--pod-labeler kubernetes runs inside a pod: KUBERNETES_SERVICE_HOST is not set');
  const namespace = namespaceOption || readFileSync(`${dir}/namespace`, 'utf8').trim();
  return {
    baseUrl: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    token: readFileSync(`${dir}/token`, 'utf8').trim(),
    namespace,
    agent: new Agent({ ca: readFileSync(`${dir}/ca.crt`), keepAlive: true }),
  };
}

/**
 * Keeps `role=source` on the source's pod and `role=replica` on the others (POD_ROLE_LABEL,
 * POD_ROLES), by JSON merge patch, so a Service selecting role=source always reaches the writer.
 * Needs get, list and patch on pods in the namespace (the Helm chart's coordinator Role,
 * infra/helm/kbinlog).
 */
export class KubernetesPodLabeler implements PodLabeler {
  constructor(private readonly access: KubernetesApiAccess) {}

  async setRoles(sourcePod: string | null, otherPods: readonly string[]): Promise<void> {
    // Replicas first: for a moment no pod is selected, never two.
    for (const pod of otherPods) await this.label(pod, POD_ROLES.replica);
    if (sourcePod) await this.label(sourcePod, POD_ROLES.source);
  }

  private label(pod: string, role: PodRole): Promise<void> {
    const { baseUrl, token, namespace, agent } = this.access;
    const url = new URL(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}`, baseUrl);
    const body = JSON.stringify({ metadata: { labels: { [POD_ROLE_LABEL]: role } } });
    return new Promise((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const call = send(
        url,
        {
          method: 'PATCH',
          agent,
          timeout: REQUEST_TIMEOUT_MS,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/merge-patch+json', accept: 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve();
            else reject(new Error(`PATCH pod ${namespace}/${pod} ${POD_ROLE_LABEL}=${role}: ${status} ${text.slice(0, 300)}`));
          });
        },
      );
      call.on('timeout', () => call.destroy(new Error(`PATCH pod ${namespace}/${pod}: no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      call.on('error', reject);
      call.end(body);
    });
  }
}
