// Service-account keys, the OAuth2 JWT-bearer grant and access tokens.
// https://developers.google.com/identity/protocols/oauth2/service-account#httprest
import crypto from 'node:crypto';
import { errorResponse } from './errors.mjs';

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const CLOCK_SKEW_S = 60;
const MAX_LIFETIME_S = 3600;
// Scopes that grant BigQuery access (read-only ones only allow GET).
const FULL_SCOPES = new Set([
  'https://www.googleapis.com/auth/bigquery',
  'https://www.googleapis.com/auth/cloud-platform',
]);
const READ_SCOPES = new Set([
  'https://www.googleapis.com/auth/bigquery.readonly',
  'https://www.googleapis.com/auth/cloud-platform.read-only',
]);

function oauthError(status, error, description) {
  return { status, headers: { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate' }, body: { error, error_description: description } };
}

function b64urlDecode(s, what) {
  // RFC 7515: base64url alphabet; tolerate "=" padding.
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(s)) throw new Error(`${what} is not base64url`);
  return Buffer.from(s.replace(/=+$/, ''), 'base64url');
}

export class Auth {
  constructor() {
    this.keys = new Map(); // private_key_id -> {kid, clientEmail, projectId, publicKey, keyJson}
    this.tokens = new Map(); // access token -> {clientEmail, projectId, scopes:Set, expiresAt(ms), kid}
    this.tokenTtlS = 3600;
    this.primaryKid = null;
    this.stats = { grants: 0, grantFailures: 0 };
  }

  /** Creates an RSA-2048 key pair and returns a key.json exactly like Google's service-account keys. */
  generateKey({ projectId, clientEmail, tokenUri }) {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = crypto.randomBytes(20).toString('hex');
    const email = clientEmail || `bx-fake-${crypto.randomBytes(3).toString('hex')}@${projectId}.iam.gserviceaccount.com`;
    const clientId = String(100000000000000000000n + BigInt('0x' + crypto.randomBytes(8).toString('hex')));
    const keyJson = {
      type: 'service_account',
      project_id: projectId,
      private_key_id: kid,
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      client_email: email,
      client_id: clientId,
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: tokenUri,
      auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
      client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(email)}`,
      universe_domain: 'googleapis.com',
    };
    this.keys.set(kid, { kid, clientEmail: email, projectId, publicKey, keyJson, tokenUri });
    if (!this.primaryKid) this.primaryKid = kid;
    return keyJson;
  }

  /** Registers an externally made public key (PEM, SPKI or PKCS#1) for an account. */
  registerPublicKey({ kid, clientEmail, projectId, publicKeyPem, tokenUri }) {
    const publicKey = crypto.createPublicKey(publicKeyPem);
    const id = kid || crypto.randomBytes(20).toString('hex');
    this.keys.set(id, { kid: id, clientEmail, projectId, publicKey, keyJson: null, tokenUri });
    return id;
  }

  deleteKey(kid) {
    if (kid === this.primaryKid) return false;
    const existed = this.keys.delete(kid);
    for (const [t, info] of this.tokens) if (info.kid === kid) this.tokens.delete(t);
    return existed;
  }

  /** Drops every key except the primary one (and their tokens). */
  resetKeys() {
    for (const kid of [...this.keys.keys()]) if (kid !== this.primaryKid) this.deleteKey(kid);
  }

  expireAllTokens() {
    const n = this.tokens.size;
    for (const info of this.tokens.values()) info.expiresAt = 0;
    return n;
  }

  /** POST /token: the JWT-bearer grant. `bodyText` is the raw body, `contentType` its header. */
  grant(bodyText, contentType) {
    const r = this._grant(bodyText, contentType);
    if (r.status === 200) this.stats.grants++;
    else this.stats.grantFailures++;
    return r;
  }

  _grant(bodyText, contentType) {
    const ct = (contentType || '').split(';')[0].trim().toLowerCase();
    if (ct !== 'application/x-www-form-urlencoded') {
      return oauthError(400, 'invalid_request', `Invalid Content-Type "${contentType || ''}": the token endpoint takes application/x-www-form-urlencoded.`);
    }
    const form = new URLSearchParams(bodyText);
    const grantType = form.get('grant_type');
    if (!grantType) return oauthError(400, 'invalid_request', 'Missing required parameter: grant_type');
    if (grantType !== JWT_GRANT) return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType}`);
    const assertion = form.get('assertion');
    if (!assertion) return oauthError(400, 'invalid_request', 'Missing required parameter: assertion');

    const segs = assertion.split('.');
    if (segs.length !== 3) return oauthError(400, 'invalid_grant', 'Invalid JWT: the assertion must have three dot-separated segments.');
    let header, claims, signature;
    try {
      header = JSON.parse(b64urlDecode(segs[0], 'header').toString('utf8'));
      claims = JSON.parse(b64urlDecode(segs[1], 'claims').toString('utf8'));
      signature = b64urlDecode(segs[2], 'signature');
    } catch (e) {
      return oauthError(400, 'invalid_grant', `Invalid JWT: ${e.message}`);
    }
    if (!header || typeof header !== 'object' || !claims || typeof claims !== 'object') {
      return oauthError(400, 'invalid_grant', 'Invalid JWT: header and claim set must be JSON objects.');
    }
    if (header.alg !== 'RS256') return oauthError(400, 'invalid_grant', 'Invalid JWT Signature.');
    if (header.typ !== undefined && header.typ !== 'JWT') return oauthError(400, 'invalid_grant', 'Invalid JWT: typ must be "JWT".');

    const iss = claims.iss;
    const accountKeys = [...this.keys.values()].filter((k) => k.clientEmail === iss);
    if (typeof iss !== 'string' || accountKeys.length === 0) {
      return oauthError(400, 'invalid_grant', 'Invalid grant: account not found');
    }
    // With a kid, only that key of the account may verify; without one, any of the account's keys.
    const candidates = header.kid === undefined ? accountKeys : accountKeys.filter((k) => k.kid === header.kid);
    const signingInput = Buffer.from(`${segs[0]}.${segs[1]}`);
    const key = candidates.find((k) => {
      try {
        return crypto.verify('RSA-SHA256', signingInput, k.publicKey, signature);
      } catch {
        return false;
      }
    });
    if (!key) return oauthError(400, 'invalid_grant', 'Invalid JWT Signature.');

    if (claims.aud !== key.tokenUri) {
      return oauthError(400, 'invalid_grant', `Invalid JWT: Failed audience check. The right audience is ${key.tokenUri}`);
    }
    const now = Math.floor(Date.now() / 1000);
    const { iat, exp } = claims;
    if (!Number.isInteger(iat) || !Number.isInteger(exp) || iat > now + CLOCK_SKEW_S || exp <= now || exp - iat > MAX_LIFETIME_S || exp <= iat) {
      return oauthError(400, 'invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
    }
    if (typeof claims.scope !== 'string' || claims.scope.trim() === '') {
      return oauthError(400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
    }
    const scopes = new Set(claims.scope.trim().split(/\s+/));
    for (const s of scopes) {
      if (!/^https:\/\/www\.googleapis\.com\/auth\/[A-Za-z0-9._-]+$/.test(s)) {
        return oauthError(400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
      }
    }
    const token = `ya29.c.${crypto.randomBytes(96).toString('base64url')}`;
    const ttl = this.tokenTtlS;
    this.tokens.set(token, { clientEmail: key.clientEmail, projectId: key.projectId, scopes, expiresAt: Date.now() + ttl * 1000, kid: key.kid });
    return {
      status: 200,
      headers: { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate' },
      body: { access_token: token, expires_in: ttl, token_type: 'Bearer' },
    };
  }

  /**
   * Checks "Authorization: Bearer <token>" for a BigQuery call.
   * Returns {principal} or {response} (401 like Google: reason "required" when absent, "authError" when invalid).
   */
  authenticate(headers, method) {
    const h = headers.authorization;
    const www = { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' };
    if (!h) {
      return {
        response: errorResponse(401, 'required',
          'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
          { location: 'Authorization', locationType: 'header' }, www),
      };
    }
    const m = /^Bearer ([^\s]+)$/i.exec(h.trim());
    const info = m && this.tokens.get(m[1]);
    if (!info || info.expiresAt <= Date.now()) {
      return {
        response: errorResponse(401, 'authError',
          'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
          { location: 'Authorization', locationType: 'header' },
          { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' }),
      };
    }
    const full = [...info.scopes].some((s) => FULL_SCOPES.has(s));
    const read = full || [...info.scopes].some((s) => READ_SCOPES.has(s));
    if (!full && !(read && method === 'GET')) {
      return {
        response: errorResponse(403, 'insufficientPermissions', 'Request had insufficient authentication scopes.', {},
          { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="https://www.googleapis.com/auth/bigquery"' }),
      };
    }
    return { principal: { email: info.clientEmail, projectId: info.projectId } };
  }
}
