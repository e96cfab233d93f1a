// Imported first by the Functions entry (index.ts), so the distro is in place before the Azure SDKs and
// the handlers load: telemetry starts when APPLICATIONINSIGHTS_CONNECTION_STRING is set, and not otherwise.
import { earlySetting, type Settings } from '../config';
import { azureResourceCredential } from '../adapters/identity';
import { initTelemetry, type Telemetry } from './init';

export const azureTelemetry: Telemetry = initTelemetry({
  mode: 'azure',
  env: process.env,
  liveMetrics: earlySetting(process.env, 'LIVE_METRICS') === true,
  // The managed identity named in APPLICATIONINSIGHTS_AUTHENTICATION_STRING (ClientId=...), else AZURE_CLIENT_ID.
  credential: (clientId) =>
    azureResourceCredential({ azureClientId: clientId ?? process.env.AZURE_CLIENT_ID } as Settings),
});
