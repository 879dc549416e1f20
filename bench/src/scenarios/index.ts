import { catchupScenario } from './catchup';
import type { Scenario, ScenarioName } from './context';
import { delayScenario } from './delay';
import { getsScenario } from './gets';
import { writesScenario } from './writes';

/** Every scenario, in the order a full run takes them (catch-up last: it writes around the source). */
export const SCENARIOS: Readonly<Record<ScenarioName, Scenario>> = {
  delay: delayScenario,
  writes: writesScenario,
  gets: getsScenario,
  catchup: catchupScenario,
};
