// The one TokenCredential seam for Graph and Dataverse: managed identity, certificate, workload identity
// (federated), or a static token for the simulators. No client secrets, by design.
import type { AccessToken, TokenCredential } from '@azure/identity';
import {
  ClientCertificateCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import type { Settings } from '../config';

class StaticTokenCredential implements TokenCredential {
  constructor(private readonly token: string) {}
  async getToken(): Promise<AccessToken> {
    return { token: this.token, expiresOnTimestamp: Date.now() + 3600_000 };
  }
}

export function createCredential(s: Settings): TokenCredential {
  switch (s.credentialMode) {
    case 'static':
      return new StaticTokenCredential(s.staticToken!);
    case 'certificate':
      return new ClientCertificateCredential(s.appTenantId!, s.appClientId!, {
        certificatePath: s.appCertificatePath!,
      });
    case 'workloadidentity':
      return new WorkloadIdentityCredential({ tenantId: s.appTenantId!, clientId: s.appClientId! });
    case 'managedidentity':
      return s.azureClientId
        ? new ManagedIdentityCredential({ clientId: s.azureClientId })
        : new ManagedIdentityCredential();
  }
}

/** Caches a token until two minutes before it expires, so per-request callers do not hit the identity endpoint. */
export function tokenSource(credential: TokenCredential, scope: string): () => Promise<string> {
  let cached: AccessToken | null = null;
  return async () => {
    if (!cached || cached.expiresOnTimestamp - Date.now() < 120_000) {
      cached = await credential.getToken(scope);
      if (!cached) throw new Error(`no token for ${scope}`);
    }
    return cached.token;
  };
}

/** `https://host/.default` for the resource a base URL points at. */
export function scopeFor(baseUrl: string): string {
  return `${new URL(baseUrl).origin}/.default`;
}

/** Azure resources (Table Storage, Service Bus) are reached with the managed identity on Azure, or the
 *  developer's own sign-in (DefaultAzureCredential) when run elsewhere. */
export function azureResourceCredential(s: Settings): TokenCredential {
  return s.azureClientId ? new ManagedIdentityCredential({ clientId: s.azureClientId }) : new DefaultAzureCredential();
}
