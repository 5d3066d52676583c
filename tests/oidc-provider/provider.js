// A real, certified OpenID Connect provider (panva/oidc-provider) on loopback for the portal's single sign-on tests.
// It uses the provider's own login page (devInteractions) and its own end-session page. Settings come from the
// environment; the accounts' claims are read from ACCOUNTS_FILE at every sign-in, so a test changes a user's groups at
// the provider by rewriting that file. Test use only: plain http on loopback.
//
//   PORT                 port on 127.0.0.1 (required)
//   ISSUER               e.g. http://localhost:PORT (required; the portal's egress guard connects to 127.0.0.1)
//   CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, POST_LOGOUT_REDIRECT_URI   the portal's client registration
//   ACCOUNTS_FILE        JSON: { "<login>": { "name": "...", "groups": ["..."], "tenant_tags": ["..."] } }
import fs from 'node:fs';
import Provider from 'oidc-provider';

const required = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`oidc-provider test app: the environment variable ${name} is required`);
    process.exit(2);
  }
  return value;
};

const port = Number(required('PORT'));
const issuer = required('ISSUER');
const clientId = required('CLIENT_ID');
const accountsFile = required('ACCOUNTS_FILE');

const readAccounts = () => JSON.parse(fs.readFileSync(accountsFile, 'utf8'));

const configuration = {
  clients: [{
    client_id: clientId,
    client_secret: required('CLIENT_SECRET'),
    client_name: 'Connector Portal',
    redirect_uris: [required('REDIRECT_URI')],
    post_logout_redirect_uris: [required('POST_LOGOUT_REDIRECT_URI')],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  // PKCE for every client, not only public ones: a portal that does not send a code_challenge is refused.
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'email', 'groups'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email'],
    groups: ['groups', 'roles', 'tenant_tags'],
  },
  // Put the requested claims into the ID token (as Entra ID does with its groups claim).
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  // The portal is a first-party client: no consent screen (the login page is what the tests exercise).
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      return ctx.oidc.provider.Grant.find(grantId);
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile email groups');
    grant.addOIDCClaims(['groups', 'roles', 'tenant_tags', 'name', 'preferred_username', 'email']);
    await grant.save();
    return grant;
  },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        // Read at every sign-in: a login missing from the file is a provider user in no group.
        const account = readAccounts()[id] ?? {};
        return {
          sub: id,
          name: account.name ?? id,
          preferred_username: id,
          email: `${id}@example.test`,
          groups: account.groups ?? [],
          roles: account.roles ?? [],
          tenant_tags: account.tenant_tags ?? [],
        };
      },
    };
  },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600, IdToken: 600, AccessToken: 600, AuthorizationCode: 60 },
};

const provider = new Provider(issuer, configuration);
provider.on('server_error', (ctx, error) => console.error('oidc-provider server_error', error));
const server = provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
