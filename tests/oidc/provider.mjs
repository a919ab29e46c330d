// A real OpenID Connect provider for the sign-in tests (panva/node-oidc-provider), on loopback only.
// Its own development login page accepts any login: the account <login> has the email <login>@sante.example.
// Usage: node provider.mjs <port> <client_id> <client_secret> <redirect_uri> <post_logout_redirect_uri>
import crypto from "node:crypto";
import Provider from "oidc-provider";

const [port, clientId, clientSecret, redirectUri, postLogoutUri] = process.argv.slice(2);
if (!postLogoutUri) {
  console.error("usage: node provider.mjs <port> <client_id> <client_secret> <redirect_uri> <post_logout_uri>");
  process.exit(2);
}

const configuration = {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    post_logout_redirect_uris: [postLogoutUri],
    response_types: ["code"],
    grant_types: ["authorization_code"],
  }],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "given_name", "family_name"] },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: `${id}@sante.example`, email_verified: true, name: `Agent ${id}` };
      },
    };
  },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  cookies: { keys: [crypto.randomBytes(32).toString("hex")] },
};

const provider = new Provider(`http://127.0.0.1:${port}`, configuration);
provider.listen(Number(port), "127.0.0.1", () => console.log(`oidc-provider ready on http://127.0.0.1:${port}`));
