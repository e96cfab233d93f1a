// Which services `exsync run` talks to, and why, said before anything starts: an exported DATAVERSE_URL
// turns a demo run into a run against the real service, and a person must see that at once.

export interface RunModeInput {
  /** The environment as the run reads it: process environment, then the --settings file over it. */
  env: Record<string, string | undefined>;
  /** The values the --settings file gave (to tell where a value came from). */
  fromFile: Record<string, string>;
  settingsFile?: string;
  /** --tenant FILE, or a fixture object (bench). */
  tenant?: string;
  tenantObject?: boolean;
  /** Whether the run seeds the simulators afresh, and from what ('demo' or a fixture path). */
  reseed: boolean;
  seededFrom?: string;
  data: string;
}

export interface RunMode {
  simulators: boolean;
  /** One or two lines for the person at the terminal. */
  text: string;
  /** For a run against the real services that failed: why they were used, and how to use the simulators. */
  adviceFor?: (e: unknown) => string;
}

/** The simulators unless DATAVERSE_URL names a real environment; a fixture always means the simulators. */
export function usesSimulators(
  env: Record<string, string | undefined>,
  args: { tenant?: string; tenantObject?: unknown },
): boolean {
  return !!args.tenant || !!args.tenantObject || !env.DATAVERSE_URL;
}

export function runMode(i: RunModeInput): RunMode {
  const where = (name: string) => (name in i.fromFile ? `${name} in ${i.settingsFile}` : `${name} in the environment`);
  const from = (name: string) => (name in i.fromFile ? i.settingsFile : 'the environment');
  const storage = i.env.AzureWebJobsStorage
    ? `Table Storage: AzureWebJobsStorage (${where('AzureWebJobsStorage')})`
    : `Table Storage: embedded Azurite in ${i.data}`;
  const simulators = usesSimulators(i.env, i);
  if (simulators) {
    const why =
      i.tenant || i.tenantObject
        ? i.env.DATAVERSE_URL
          ? `--tenant given, so ${where('DATAVERSE_URL')} is not used`
          : '--tenant given'
        : 'DATAVERSE_URL is not set';
    const seed = i.tenant ? i.tenant : i.tenantObject ? 'a generated tenant' : 'the demo tenant';
    const state = i.reseed
      ? `seeded with ${seed}`
      : `continuing from ${i.data} (seeded with ${i.seededFrom === 'demo' || !i.seededFrom ? 'the demo tenant' : i.seededFrom})`;
    return { simulators, text: `Graph and Dataverse: the simulators, ${state} (${why}). ${storage}.` };
  }
  const graph = i.env.GRAPH_BASE_URL
    ? `${i.env.GRAPH_BASE_URL} (${where('GRAPH_BASE_URL')})`
    : 'https://graph.microsoft.com/v1.0 (the default)';
  const credential = i.env.CREDENTIAL_MODE
    ? `${i.env.CREDENTIAL_MODE} (${where('CREDENTIAL_MODE')})`
    : 'managedidentity (the default)';
  const unset =
    i.settingsFile && 'DATAVERSE_URL' in i.fromFile
      ? `remove DATAVERSE_URL from ${i.settingsFile}`
      : 'unset DATAVERSE_URL';
  return {
    simulators,
    text: [
      `Dataverse: ${i.env.DATAVERSE_URL} (${where('DATAVERSE_URL')}); Graph: ${graph}; credential: ${credential}. ${storage}.`,
      `These are real services. For the simulators instead, ${unset}, or pass --tenant FILE.`,
    ].join('\n'),
    adviceFor: (e) => {
      const mode = i.env.CREDENTIAL_MODE ?? 'managedidentity';
      const why = `exsync run used the real services because DATAVERSE_URL is set (in ${from('DATAVERSE_URL')})`;
      const signIn = isSignInFailure(e)
        ? ` and could not sign in with CREDENTIAL_MODE ${mode}${mode === 'managedidentity' ? ', which works only on Azure' : ''}. To run against this environment from here, use CREDENTIAL_MODE certificate (APP_TENANT_ID, APP_CLIENT_ID, APP_CERTIFICATE_PATH).`
        : '.';
      return `${why}${signIn} To run on the simulators instead, ${unset} or pass --tenant FILE.`;
    },
  };
}

const SIGN_IN_ERRORS = [
  'CredentialUnavailableError',
  'AuthenticationError',
  'AggregateAuthenticationError',
  'AuthenticationRequiredError',
];

/** A failed sign-in: the credential could not get a token, or Graph or Dataverse refused the one it got. */
export function isSignInFailure(e: unknown): boolean {
  for (
    let c = e as { name?: string; status?: number; system?: string; cause?: unknown } | undefined, depth = 0;
    c && depth < 5;
    c = c.cause as typeof c, depth++
  ) {
    if (SIGN_IN_ERRORS.includes(c.name ?? '')) return true;
    if (c.status === 401 && (c.system === 'graph' || c.system === 'dataverse')) return true;
  }
  return false;
}
