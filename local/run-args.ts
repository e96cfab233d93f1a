// What `exsync run` is given (the command line, and what bench and tests add) and what it answers.
import type { Decision } from '../shared/domain/activity';
import type { RequestCounter } from '../shared/compose';
import type { ScaledClock } from './clock';
import type { InjectedCounts } from './faults';
import type { DataverseSimulator, DataverseSimulatorOptions } from './sim/dataverse';
import type { GraphSimulator, GraphSimulatorOptions, GraphSimStats } from './sim/graph';
import type { MailboxSummary } from './summary';
import type { TenantFixture } from './tenant/fixture';

export interface RunArgs {
  once: boolean;
  tenant?: string;
  data: string;
  reset: boolean;
  dump?: string;
  faults?: string;
  settings?: string;
  /** Fewer progress lines (benchmarks). */
  quiet?: boolean;
  /** A fixture object instead of a file (bench). */
  tenantObject?: TenantFixture;
  /** Send the data directory's dead letters to their queues again before the first cycle (`exsync dlq replay`). */
  replayDeadLetters?: boolean;
  /** One mailbox at a time so a run is reproducible; `--once` default. Bench turns it off to measure throughput. */
  reproducible?: boolean;
  /**
   * Tests: simulator options over those SIM_LIMITS and --faults give (small custom limits, an intercept),
   * and a look at the simulators once they run (to expire delta tokens mid-run, say).
   */
  simOptions?: {
    graph?: Pick<GraphSimulatorOptions, 'limits' | 'latencyMs' | 'intercept' | 'hold'>;
    dataverse?: Pick<DataverseSimulatorOptions, 'limits' | 'latencyMs' | 'intercept' | 'hold'>;
  };
  /** Tests: the simulators once they run, and the run's clock (a test may make a call "take" clock time). */
  onSimulators?: (graph: GraphSimulator, dataverse: DataverseSimulator, clock: ScaledClock) => void;
}

/** What the simulators saw, when the run used them. */
export interface SimulatorFigures {
  graph: GraphSimStats;
  dataverse: ReturnType<DataverseSimulator['stats']>;
}

export interface RunResult {
  exitCode: number;
  summary: MailboxSummary[];
  decisions: Decision[];
  requests: RequestCounter;
  faults: InjectedCounts;
  deadLetters: number;
  ms: number;
  simulators?: SimulatorFigures;
}
