// Rules between settings, checked once every setting has parsed: what a credential mode needs, and what
// Azure needs that the local runtime provides itself.
import type { Settings } from './types';

export type Host = 'azure' | 'local';
type Parsed = Partial<Settings>;

function credentialProblems(v: Parsed, host: Host): string[] {
  const missing = (mode: string, needs: [string, unknown][]) =>
    needs.filter(([, value]) => !value).map(([n]) => `${n}: required when CREDENTIAL_MODE is ${mode}`);
  switch (v.credentialMode) {
    case 'certificate':
      return missing('certificate', [
        ['APP_TENANT_ID', v.appTenantId],
        ['APP_CLIENT_ID', v.appClientId],
        ['APP_CERTIFICATE_PATH', v.appCertificatePath],
      ]);
    case 'workloadidentity':
      return missing('workloadidentity', [
        ['APP_TENANT_ID', v.appTenantId],
        ['APP_CLIENT_ID', v.appClientId],
      ]);
    case 'static':
      return [
        ...missing('static', [['STATIC_TOKEN', v.staticToken]]),
        ...(host === 'azure'
          ? [
              'CREDENTIAL_MODE: static tokens are for the simulators only; use managedidentity, certificate or workloadidentity on Azure',
            ]
          : []),
      ];
    default:
      return [];
  }
}

/** On Azure nothing starts the endpoints for us: Dataverse, Service Bus and the tables must be named. */
function azureProblems(v: Parsed): string[] {
  const problems: string[] = [];
  if (!v.dataverseUrl) problems.push('DATAVERSE_URL: required');
  if (!v.serviceBusNamespace) problems.push('ServiceBusConnection__fullyQualifiedNamespace: required');
  if (!v.storageConnectionString && !v.tableServiceUri)
    problems.push('AzureWebJobsStorage__tableServiceUri: required (or AzureWebJobsStorage)');
  return problems;
}

export const crossSettingProblems = (v: Parsed, host: Host): string[] => [
  ...credentialProblems(v, host),
  ...(host === 'azure' ? azureProblems(v) : []),
];
