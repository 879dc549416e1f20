import { POD_ROLE_LABEL, POD_ROLES } from '@kbinlog/topology';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

// The Helm chart, checked offline: helm lint --strict, helm template for every variant and two
// Kubernetes versions (the chart's floor and the newest kubernetes-validate knows), every rendered
// built-in resource validated against Kubernetes' JSON schemas in strict mode, and the Services
// checked against the label the coordinator keeps on the node pods.

const run = promisify(execFile);
const REPO = join(__dirname, '..', '..');
const CHART = join(__dirname, 'kbinlog');
const TOOLS = join(REPO, 'infra', 'local', 'tools.sh');
const RELEASE = 'kb';
const NAMESPACE = 'kbinlog-test';
/** The chart's kubeVersion floor (native sidecars) and the newest schemas kubernetes-validate 1.37.0 ships. */
const KUBERNETES_VERSIONS = ['1.29.0', '1.37.0'];
const VARIANTS: Record<string, string[]> = {
  defaults: [],
  'external Kafka': ['-f', join(CHART, 'ci', 'external-kafka-values.yaml')],
  Strimzi: ['-f', join(CHART, 'ci', 'strimzi-values.yaml')],
};
const STRIMZI_GROUP = 'kafka.strimzi.io/';

type Labels = Record<string, string>;
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string }; secretKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  env?: EnvVar[];
}
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Labels };
  // Rendered YAML: the shape is what the assertions check.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [key: string]: any;
}

let helm = '';
let kubernetesValidate = '';
let workDir = '';

async function sh(file: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(file, args, { cwd: REPO, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed:\n${stdout}\n${stderr}`);
  }
}

async function render(variant: string, kubeVersion = KUBERNETES_VERSIONS[0]): Promise<{ text: string; manifests: Manifest[] }> {
  const text = await sh(helm, ['template', RELEASE, CHART, '--namespace', NAMESPACE, '--kube-version', kubeVersion, ...VARIANTS[variant]]);
  const manifests = parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length) throw new Error(`rendered YAML does not parse: ${document.errors.join('; ')}`);
      return document.toJSON() as Manifest | null;
    })
    .filter((manifest): manifest is Manifest => manifest !== null);
  return { text, manifests };
}

function one(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.filter((manifest) => manifest.kind === kind && manifest.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length} (have: ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')})`);
  return found[0];
}

/** Whether a Service with this selector sends traffic to a pod with these labels. */
function selects(selector: Labels, labels: Labels): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

function env(container: Container, name: string): EnvVar {
  const found = (container.env ?? []).filter((variable) => variable.name === name);
  if (found.length !== 1) throw new Error(`container ${container.name}: expected one env ${name}, found ${found.length}`);
  return found[0];
}

/** The KBINLOG_* variables a service reads, from the option tables in its source. */
function optionEnvNames(...files: string[]): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    for (const match of readFileSync(join(REPO, file), 'utf8').matchAll(/env: '(KBINLOG_[A-Z0-9_]+)'/g)) names.add(match[1]);
  }
  return names;
}

/** kubernetes-validate --strict on these manifests; returns its report. */
async function validate(manifests: Manifest[], kubeVersion: string, name: string): Promise<string> {
  const file = join(workDir, `${name}.yaml`);
  writeFileSync(file, manifests.map((manifest) => `---\n${JSON.stringify(manifest)}\n`).join(''));
  try {
    const { stdout, stderr } = await run(kubernetesValidate, ['--strict', '-k', kubeVersion, file], { maxBuffer: 16 * 1024 * 1024 });
    return `${stdout}${stderr}`;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`kubernetes-validate --strict -k ${kubeVersion} rejected ${name}:\n${stdout}${stderr}`);
  }
}

beforeAll(async () => {
  // Instant when both are installed; on a clean machine this builds helm (go install), which
  // takes minutes, hence the long bound of this hook only.
  await sh('bash', [TOOLS, 'install', 'helm', 'kubernetes-validate']);
  helm = (await sh('bash', [TOOLS, 'path', 'helm'])).trim();
  kubernetesValidate = (await sh('bash', [TOOLS, 'path', 'kubernetes-validate'])).trim();
  workDir = mkdtempSync(join(tmpdir(), 'kbinlog-chart-'));
}, 20 * 60_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('the kbinlog Helm chart', () => {
  it.each(Object.keys(VARIANTS))('passes helm lint --strict (%s)', async (variant) => {
    const report = await sh(helm, ['lint', '--strict', CHART, '--namespace', NAMESPACE, '--kube-version', KUBERNETES_VERSIONS[0], ...VARIANTS[variant]]);
    expect(report).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  const matrix = Object.keys(VARIANTS).flatMap((variant) => KUBERNETES_VERSIONS.map((version) => [variant, version] as const));
  it.each(matrix)('renders manifests that pass strict schema validation (%s, Kubernetes %s)', async (variant, kubeVersion) => {
    const { manifests } = await render(variant, kubeVersion);
    const builtIn = manifests.filter((manifest) => !manifest.apiVersion.startsWith(STRIMZI_GROUP));
    const report = await validate(builtIn, kubeVersion, `${variant.replace(/\W+/g, '-')}-${kubeVersion}`);
    // Every resource is reported as passed: one without a schema would only be warned about.
    const minor = kubeVersion.split('.').slice(0, 2).join('.');
    for (const manifest of builtIn) {
      expect(report).toContain(`passed for resource ${manifest.kind.toLowerCase()}/${manifest.metadata.name} against version ${minor}`);
    }
    expect(report).not.toMatch(/WARN|ERROR/);
    expect(builtIn.map((manifest) => manifest.kind).sort()).toEqual(
      expect.arrayContaining(['Deployment', 'PodDisruptionBudget', 'PodDisruptionBudget', 'Role', 'RoleBinding', 'Service', 'Service', 'Service', 'Service', 'ServiceAccount', 'StatefulSet']),
    );
    // Strimzi resources only where asked for (their CRD schemas are not checked here: see the chart's README).
    const strimzi = manifests.filter((manifest) => manifest.apiVersion.startsWith(STRIMZI_GROUP)).map((manifest) => manifest.kind);
    expect(strimzi.sort()).toEqual(variant === 'Strimzi' ? ['Kafka', 'KafkaNodePool', 'KafkaTopic', 'KafkaTopic'] : []);
  });

  it('validates strictly: an unknown field in a rendered StatefulSet is rejected', async () => {
    const { manifests } = await render('defaults');
    const statefulSet = one(manifests, 'StatefulSet', `${RELEASE}-kbinlog-node`);
    const broken = { ...statefulSet, spec: { ...statefulSet.spec, template: { ...statefulSet.spec.template, spec: { ...statefulSet.spec.template.spec, hostNetworking: true } } } };
    await expect(validate([broken], KUBERNETES_VERSIONS[0], 'unknown-field')).rejects.toThrow(/'hostNetworking' was unexpected/);
  });

  it.each(Object.keys(VARIANTS))('has a -source Service selecting exactly the node pods the coordinator labels role=source, and a -read Service for role=replica (%s)', async (variant) => {
    const { manifests } = await render(variant);
    const statefulSet = one(manifests, 'StatefulSet', `${RELEASE}-kbinlog-node`);
    const podLabels: Labels = statefulSet.spec.template.metadata.labels;
    const matchLabels: Labels = statefulSet.spec.selector.matchLabels;
    const source = one(manifests, 'Service', `${RELEASE}-kbinlog-source`).spec.selector as Labels;
    const read = one(manifests, 'Service', `${RELEASE}-kbinlog-read`).spec.selector as Labels;

    // The role label is the coordinator's to set, never the chart's: not in the pod template, not
    // in the StatefulSet's selector (a relabelled pod would leave its StatefulSet).
    expect(podLabels).not.toHaveProperty(POD_ROLE_LABEL);
    expect(matchLabels).not.toHaveProperty(POD_ROLE_LABEL);
    expect(selects(matchLabels, podLabels)).toBe(true);

    expect(source).toEqual({ ...matchLabels, [POD_ROLE_LABEL]: POD_ROLES.source });
    expect(read).toEqual({ ...matchLabels, [POD_ROLE_LABEL]: POD_ROLES.replica });

    // A node pod as the coordinator leaves it (the template's labels plus its merge patch).
    const asSource = { ...podLabels, [POD_ROLE_LABEL]: POD_ROLES.source };
    const asReplica = { ...podLabels, [POD_ROLE_LABEL]: POD_ROLES.replica };
    expect([selects(source, asSource), selects(read, asSource)]).toEqual([true, false]);
    expect([selects(source, asReplica), selects(read, asReplica)]).toEqual([false, true]);
    // Before the coordinator labels it, a pod gets no client traffic.
    expect([selects(source, podLabels), selects(read, podLabels)]).toEqual([false, false]);
    // Nor does a coordinator pod, whatever it is labelled.
    const coordinator = one(manifests, 'Deployment', `${RELEASE}-kbinlog-coordinator`);
    const coordinatorLabels: Labels = { ...coordinator.spec.template.metadata.labels, [POD_ROLE_LABEL]: POD_ROLES.source };
    expect(selects(source, coordinatorLabels)).toBe(false);

    // The Service ports reach the node container's named ports.
    const node = (statefulSet.spec.template.spec.containers as Container[]).find((container) => container.name === 'node') as Container & { ports: { name: string }[] };
    const portNames = node.ports.map((port) => port.name);
    for (const port of one(manifests, 'Service', `${RELEASE}-kbinlog-source`).spec.ports as { targetPort: string }[]) expect(portNames).toContain(port.targetPort);
  });

  it.each(Object.keys(VARIANTS))('lets the coordinator label the node pods: pod names reported, labeler on, get/list/patch on pods (%s)', async (variant) => {
    const { manifests } = await render(variant);
    const statefulSet = one(manifests, 'StatefulSet', `${RELEASE}-kbinlog-node`);
    const node = (statefulSet.spec.template.spec.containers as Container[]).find((container) => container.name === 'node') as Container;
    // Each node reports its pod's name, which is what the coordinator patches.
    expect(env(node, 'KBINLOG_POD_NAME').valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');

    const deployment = one(manifests, 'Deployment', `${RELEASE}-kbinlog-coordinator`);
    expect(deployment.spec.replicas).toBe(2);
    const coordinator = deployment.spec.template.spec.containers[0] as Container;
    expect(env(coordinator, 'KBINLOG_POD_LABELER').value).toBe('kubernetes');
    expect(env(coordinator, 'KBINLOG_KUBERNETES_NAMESPACE').valueFrom?.fieldRef?.fieldPath).toBe('metadata.namespace');

    const serviceAccount: string = deployment.spec.template.spec.serviceAccountName;
    expect(deployment.spec.template.spec.automountServiceAccountToken).toBe(true);
    const binding = one(manifests, 'RoleBinding', serviceAccount);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: serviceAccount, namespace: NAMESPACE }]);
    const role = one(manifests, 'Role', binding.roleRef.name);
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'patch'] }]);
    one(manifests, 'ServiceAccount', serviceAccount);
  });

  it.each(Object.keys(VARIANTS))('configures the services only through settings they read, with the binlog topic of design invariant 1 (%s)', async (variant) => {
    const { manifests } = await render(variant);
    const statefulSet = one(manifests, 'StatefulSet', `${RELEASE}-kbinlog-node`);
    const node = (statefulSet.spec.template.spec.containers as Container[]).find((container) => container.name === 'node') as Container;
    const coordinator = one(manifests, 'Deployment', `${RELEASE}-kbinlog-coordinator`).spec.template.spec.containers[0] as Container;
    const nodeEnv = optionEnvNames('apps/source/src/app/source-config.ts', 'libs/service-runtime/src/lib/config/options.ts');
    const coordinatorEnv = optionEnvNames('apps/coordinator/src/app/coordinator-config.ts', 'libs/service-runtime/src/lib/config/options.ts');
    // KBINLOG_SERVER_ID and KBINLOG_ROLE come from the entry point (the pod's ordinal).
    const nodeSet = [...(node.env ?? []).map((variable) => variable.name), 'KBINLOG_SERVER_ID', 'KBINLOG_ROLE'].filter((name) => name.startsWith('KBINLOG_'));
    for (const name of nodeSet) expect(nodeEnv).toContain(name);
    for (const name of (coordinator.env ?? []).map((variable) => variable.name).filter((n) => n.startsWith('KBINLOG_'))) expect(coordinatorEnv).toContain(name);

    // Every listener on all interfaces (probes and Services reach the pod's IP).
    for (const name of ['KBINLOG_HTTP_HOST', 'KBINLOG_MEMCACHED_HOST', 'KBINLOG_MYSQL_HOST']) expect(env(node, name).value).toBe('0.0.0.0');
    expect(env(coordinator, 'KBINLOG_HTTP_HOST').value).toBe('0.0.0.0');
    // The node's own database is the pod's MariaDB sidecar, with a volume per pod.
    expect(env(node, 'KBINLOG_DATABASE_URL').value).toMatch(/^mysql:\/\/root:\$\(MARIADB_ROOT_PASSWORD\)@127\.0\.0\.1:3306\/$/);
    const sidecar = (statefulSet.spec.template.spec.initContainers as (Container & { restartPolicy?: string; volumeMounts: { name: string; mountPath: string }[] })[]).find((c) => c.name === 'mariadb');
    expect(sidecar?.restartPolicy).toBe('Always');
    expect(sidecar?.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/mysql' });
    expect(statefulSet.spec.volumeClaimTemplates.map((claim: Manifest) => claim.metadata.name)).toEqual(['data']);
    // server_id from the ordinal: unique per pod.
    expect(node).toHaveProperty('args.0', expect.stringContaining('KBINLOG_SERVER_ID=$$(('));

    expect(env(node, 'KBINLOG_BINLOG_REPLICATION_FACTOR').value).toBe('3');
    expect(env(node, 'KBINLOG_BINLOG_MIN_INSYNC_REPLICAS').value).toBe('2');
    const brokers = env(node, 'KBINLOG_KAFKA_BROKERS').value;
    expect(env(coordinator, 'KBINLOG_KAFKA_BROKERS').value).toBe(brokers);
    const cluster = env(node, 'KBINLOG_CLUSTER').value;
    expect(env(coordinator, 'KBINLOG_CLUSTER').value).toBe(cluster);

    if (variant === 'Strimzi') {
      const kafka = manifests.find((manifest) => manifest.kind === 'Kafka') as Manifest;
      expect(brokers).toBe(`${kafka.metadata.name}-kafka-bootstrap:9092`);
      const pool = manifests.find((manifest) => manifest.kind === 'KafkaNodePool') as Manifest;
      expect(pool.metadata.labels?.['strimzi.io/cluster']).toBe(kafka.metadata.name);
      expect(pool.spec.roles).toEqual(['controller', 'broker']);
      expect(pool.spec.replicas).toBe(3);
      expect(kafka.spec.kafka.config).toMatchObject({ 'min.insync.replicas': 2, 'transaction.state.log.min.isr': 2, 'transaction.state.log.replication.factor': 3 });
      const binlog = one(manifests, 'KafkaTopic', `kbinlog.${cluster}.binlog`);
      expect(binlog.metadata.labels?.['strimzi.io/cluster']).toBe(kafka.metadata.name);
      expect(binlog.spec).toEqual({
        topicName: `kbinlog.${cluster}.binlog`,
        partitions: 1,
        replicas: 3,
        config: { 'cleanup.policy': 'delete', 'retention.ms': -1, 'retention.bytes': -1, 'min.insync.replicas': 2 },
      });
      expect(one(manifests, 'KafkaTopic', `kbinlog.${cluster}.topology`).spec).toMatchObject({ partitions: 1, replicas: 3, config: { 'cleanup.policy': 'compact' } });
    } else if (variant === 'external Kafka') {
      expect(brokers).toBe('kafka-0.kafka.data.svc:9092,kafka-1.kafka.data.svc:9092,kafka-2.kafka.data.svc:9092');
      expect(env(node, 'KBINLOG_BINLOG_RETENTION_MS').value).toBe('604800000');
    }
  });
});
