// The data directory of the one-machine mode (docs/cli.md): Azurite's files, the simulators'
// state and the clock, so a run continues from where the last one stopped, as a deployed system would.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

export interface DataDirState {
  version: 1;
  /** Where the tenant came from: 'demo' or a fixture path. */
  seededFrom: string;
  /** The clock when the last run stopped. */
  clock: string;
  /** Timeline events already applied. */
  timelineApplied: number;
  /** The simulators keep their ports across runs: stored delta links and entity URLs point at them. */
  ports?: { graph: number; dataverse: number };
}

export class DataDir {
  constructor(readonly root: string) {}
  get azurite() {
    return join(this.root, 'azurite');
  }
  private file(name: string) {
    return join(this.root, name);
  }
  /** Whether the directory holds a seeded tenant to continue from. */
  hasState(): boolean {
    return (
      existsSync(this.file('state.json')) &&
      existsSync(this.file('graph.json')) &&
      existsSync(this.file('dataverse.json'))
    );
  }
  /** Removes everything this tool keeps in the directory (and only that). */
  reset(): void {
    for (const n of ['azurite', 'graph.json', 'dataverse.json', 'state.json', 'timeline.json'])
      rmSync(this.file(n), { recursive: true, force: true });
  }
  ensure(): void {
    mkdirSync(this.azurite, { recursive: true });
  }
  read<T>(name: string): T {
    return JSON.parse(readFileSync(this.file(name), 'utf8')) as T;
  }
  /** Write-then-rename, so an interrupted run never leaves half a snapshot. */
  write(name: string, value: unknown): void {
    const tmp = this.file(`${name}.tmp`);
    writeFileSync(tmp, JSON.stringify(value));
    renameSync(tmp, this.file(name));
  }
  has(name: string): boolean {
    return existsSync(this.file(name));
  }
}
