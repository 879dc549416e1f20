import type { PodLabelerSetting } from '../coordinator-config';
import type { PodLabeler } from '../coordinator/ports';
import { inClusterAccess, KubernetesPodLabeler } from './kubernetes-pod-labeler';
import { NoPodLabeler } from './no-pod-labeler';
import { RecordingPodLabeler } from './recording-pod-labeler';

export function createPodLabeler(setting: PodLabelerSetting, namespace: string): PodLabeler {
  switch (setting.kind) {
    case 'none':
      return new NoPodLabeler();
    case 'record':
      return new RecordingPodLabeler(setting.file);
    case 'kubernetes':
      return new KubernetesPodLabeler(inClusterAccess(namespace));
  }
}
