import type { NodeReport } from '@kbinlog/topology';
import { type DemoteAnswer, type NodeApi, NodeCallError } from '../coordinator/ports';

/** A demotion drains the writes in flight (10 s at most) before it answers. */
const DEMOTE_TIMEOUT_MS = 30_000;

/** The nodes' HTTP API (docs/coordinator.md, "The node's HTTP API"), over fetch. */
export class HttpNodeApi implements NodeApi {
  async health(httpUrl: string, timeoutMs: number): Promise<boolean> {
    try {
      const response = await fetch(`${httpUrl}/health`, { signal: AbortSignal.timeout(timeoutMs) });
      await response.arrayBuffer();
      return response.ok;
    } catch {
      return false;
    }
  }

  async promote(httpUrl: string, generation: number, timeoutMs: number): Promise<NodeReport> {
    return (await this.post(httpUrl, '/node/promote', { generation }, timeoutMs)) as NodeReport;
  }

  async demote(httpUrl: string): Promise<DemoteAnswer> {
    return (await this.post(httpUrl, '/node/demote', {}, DEMOTE_TIMEOUT_MS)) as DemoteAnswer;
  }

  private async post(httpUrl: string, path: string, body: object, timeoutMs: number): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${httpUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new NodeCallError(`POST ${httpUrl}${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const text = await response.text();
    if (!response.ok) {
      let reason = text;
      try {
        const problem = JSON.parse(text) as { title?: string; detail?: string };
        reason = [problem.title, problem.detail].filter(Boolean).join(': ') || text;
      } catch {
        // not problem JSON: the text says it
      }
      throw new NodeCallError(`POST ${httpUrl}${path} answered ${response.status}: ${reason}`, response.status);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new NodeCallError(`POST ${httpUrl}${path} answered ${response.status} without JSON`, response.status);
    }
  }
}
