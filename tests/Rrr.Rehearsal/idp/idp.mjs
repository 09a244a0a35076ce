// The rehearsal's identity provider: oidc-provider (OpenID Certified), nothing of ours inside the protocol.
// One confidential client (the portal, code + PKCE); accounts and their role claims come from the test.
// Settings arrive as environment variables so no secret sits in a file:
//   IDP_ISSUER, IDP_PORT, IDP_CLIENT_ID, IDP_CLIENT_SECRET, IDP_REDIRECT_URI, IDP_POST_LOGOUT_URI,
//   IDP_ACCOUNTS = JSON {"<sub>": {"name": "...", "role": ["member"]}, ...}; the login typed at the form is the sub.
import Provider from 'oidc-provider';

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`idp: ${name} is not set`);
    process.exit(2);
  }
  return value;
};

const accounts = JSON.parse(env('IDP_ACCOUNTS'));

const provider = new Provider(env('IDP_ISSUER'), {
  clients: [{
    client_id: env('IDP_CLIENT_ID'),
    client_secret: env('IDP_CLIENT_SECRET'),
    redirect_uris: [env('IDP_REDIRECT_URI')],
    post_logout_redirect_uris: [env('IDP_POST_LOGOUT_URI')],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  claims: { openid: ['sub'], profile: ['name'], roles: ['role'] },
  scopes: ['openid', 'profile', 'roles'],
  // The portal reads name and role from the id token (no userinfo call).
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  // The test's accounts are the only ones; a login name that is not one of them signs nobody in.
  async findAccount(ctx, id) {
    const account = Object.hasOwn(accounts, id) ? accounts[id] : undefined;
    if (!account) {
      return undefined;
    }
    return {
      accountId: id,
      async claims() {
        return { sub: id, name: account.name, role: account.role };
      },
    };
  },
  // First-party client: consent is implied, so the grant covers every requested scope and claim.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile roles');
    grant.addOIDCClaims(['name', 'role']);
    await grant.save();
    return grant;
  },
  ttl: { Session: 8 * 3600, Grant: 8 * 3600, Interaction: 3600, AccessToken: 3600, IdToken: 3600, AuthorizationCode: 60 },
});
// TLS ends at nginx; its X-Forwarded-Proto says the browser used https.
provider.proxy = true;
provider.on('server_error', (ctx, err) => console.error('idp: server_error', err));

provider.listen(Number(env('IDP_PORT')), '127.0.0.1', () => console.log(`idp: listening for ${env('IDP_ISSUER')}`));
