// App Service Authentication (Entra ID) for the status page's signed-in route (/api/ops/status-signed-in/):
// deployed only when main.bicep's statusPageSignInClientId is set. Unauthenticated requests are let through
// (AllowAnonymous): every other function keeps its own key, and the signed-in route itself refuses requests
// without the principal header this module makes App Service set. Sign-in uses ID tokens, so no client secret.
param functionAppName string
@description('Client id of the app registration users sign in to (ID tokens enabled, redirect URI https://<app host>/.auth/login/aad/callback).')
param clientId string

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource auth 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: clientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [clientId]
        }
      }
    }
    login: {
      tokenStore: { enabled: false }
    }
  }
}
