// One Azurite per test file: started in before(), stopped in after(), in memory on a free port.
import { after, before } from 'node:test';
import { startAzurite, type AzuriteHandle } from '../../local/azurite';

export interface AzuriteFixture {
  /** Valid once before() has run. */
  readonly handle: AzuriteHandle;
  readonly connectionString: string;
}

export function useAzurite(): AzuriteFixture {
  let handle: AzuriteHandle | undefined;
  before(async () => {
    handle = await startAzurite({ inMemory: true });
  });
  after(async () => {
    await handle?.stop();
  });
  const get = () => {
    if (!handle) throw new Error('Azurite is not started: use the fixture inside a test, after before() ran');
    return handle;
  };
  return {
    get handle() {
      return get();
    },
    get connectionString() {
      return get().connectionString;
    },
  };
}
