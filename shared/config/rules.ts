// Rules between settings, checked once every setting has parsed: what a credential mode needs, and what
// Azure needs that the local runtime provides itself. docs/settings.md lists them from the same tables.
import { DECLARED } from './declarations';
import type { CredentialMode, SettingName, Settings } from './types';

export type Host = 'azure' | 'local';

/** The settings each credential mode cannot obtain a token without. */
export const CREDENTIAL_NEEDS: Readonly<Record<CredentialMode, readonly SettingName[]>> = {
  managedidentity: [],
  certificate: ['APP_TENANT_ID', 'APP_CLIENT_ID', 'APP_CERTIFICATE_PATH'],
  workloadidentity: ['APP_TENANT_ID', 'APP_CLIENT_ID'],
  static: ['STATIC_TOKEN'],
};

/** What Azure cannot start without (nothing there starts the endpoints for us); a pair means either one. */
export const AZURE_NEEDS: readonly (SettingName | readonly [SettingName, SettingName])[] = [
  'DATAVERSE_URL',
  'ServiceBusConnection__fullyQualifiedNamespace',
  ['AzureWebJobsStorage__tableServiceUri', 'AzureWebJobsStorage'],
];

const keyOf = new Map(Object.entries(DECLARED).map(([key, d]) => [d.name, key as keyof Settings]));

export function crossSettingProblems(v: Partial<Settings>, host: Host): string[] {
  const has = (name: SettingName) => !!v[keyOf.get(name)!];
  const mode = v.credentialMode;
  const problems = mode
    ? CREDENTIAL_NEEDS[mode].filter((n) => !has(n)).map((n) => `${n}: required when CREDENTIAL_MODE is ${mode}`)
    : [];
  if ((v.notifyRenewMarginMinutes ?? 0) >= (v.notifySubscriptionMinutes ?? Infinity))
    problems.push(
      'NOTIFY_RENEW_MARGIN_MINUTES: must be less than NOTIFY_SUBSCRIPTION_MINUTES, or every maintenance renews',
    );
  if (host !== 'azure') return problems;
  if (mode === 'static')
    problems.push(
      'CREDENTIAL_MODE: static tokens are for the simulators only; use managedidentity, certificate or workloadidentity on Azure',
    );
  for (const need of AZURE_NEEDS) {
    if (typeof need === 'string') {
      if (!has(need)) problems.push(`${need}: required`);
    } else if (!need.some(has)) problems.push(`${need[0]}: required (or ${need[1]})`);
  }
  return problems;
}
