// The user-assigned identity the function app runs as: storage, Service Bus, App Insights and Key Vault
// (and, in managedidentity mode, Graph and Dataverse) all see this one principal.
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
