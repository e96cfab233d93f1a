// The Graph and Dataverse simulators of a run: seeded from the tenant on a fresh data directory, else restored
// from its snapshots, on the ports they had (the delta links they handed out point at them), with the limits
// and faults the run asks for.
import type { DataDir, DataDirState } from './data-dir';
import type { ScaledClock } from './clock';
import { dataverseIntercept, graphIntercept, type FaultSpec, type InjectedCounts, type IsDown } from './faults';
import type { RunArgs } from './run-args';
import { startDataverseSimulator, type DataverseSimulator } from './sim/dataverse';
import { startGraphSimulator, type GraphSimulator } from './sim/graph';
import type { TenantFixture } from './tenant/fixture';

export interface SimulatorStart {
  args: RunArgs;
  state: DataDirState;
  dir: DataDir;
  reseed: boolean;
  tenant: TenantFixture | undefined;
  clock: ScaledClock;
  simLimits: 'real' | undefined;
  faults: FaultSpec | undefined;
  injected: InjectedCounts;
  down: IsDown | undefined;
  /** Where each simulator's close goes as soon as it runs, so a later failure still stops it. */
  stops: (() => Promise<void>)[];
}

export async function startSimulators(
  o: SimulatorStart,
): Promise<{ graph: GraphSimulator; dataverse: DataverseSimulator }> {
  const { args, state, dir, reseed, tenant, clock, simLimits, faults, injected, down, stops } = o;
  const onPort = async <T>(what: string, port: number | undefined, start: (port: number) => Promise<T>): Promise<T> => {
    try {
      return await start(port ?? 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE')
        throw new Error(
          `the ${what} simulator's port ${port} is in use: is another exsync run using ${args.data}? Stop it, or give this run another --data directory (the simulators keep their port: the delta links they handed out point at it).`,
        );
      throw e;
    }
  };
  const graphSim = await onPort('Graph', state.ports?.graph, (port) =>
    startGraphSimulator({
      ...(reseed ? { tenant: tenant! } : { snapshot: dir.read('graph.json') }),
      clock,
      port,
      ...(simLimits ? { limits: simLimits } : {}),
      ...(faults ? { intercept: graphIntercept(faults, injected, down) } : {}),
      ...(faults?.latencyMs['graph.latency'] ? { latencyMs: faults.latencyMs['graph.latency'] } : {}),
      ...args.simOptions?.graph,
    }),
  );
  stops.push(() => graphSim.close());
  const dvSim = await onPort('Dataverse', state.ports?.dataverse, (port) =>
    startDataverseSimulator({
      ...(reseed ? { tenant: tenant! } : { snapshot: dir.read('dataverse.json') }),
      clock,
      port,
      ...(simLimits ? { limits: simLimits } : {}),
      ...(faults ? { intercept: dataverseIntercept(faults, injected, down) } : {}),
      ...(faults?.latencyMs['dataverse.latency'] ? { latencyMs: faults.latencyMs['dataverse.latency'] } : {}),
      ...args.simOptions?.dataverse,
    }),
  );
  stops.push(() => dvSim.close());
  args.onSimulators?.(graphSim, dvSim, clock);
  state.ports = { graph: Number(new URL(graphSim.baseUrl).port), dataverse: Number(new URL(dvSim.baseUrl).port) };
  return { graph: graphSim, dataverse: dvSim };
}
