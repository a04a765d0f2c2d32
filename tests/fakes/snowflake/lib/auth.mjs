// Key-pair authentication of the SQL API (https://docs.snowflake.com/en/developer-guide/sql-api/authenticating,
// https://docs.snowflake.com/en/user-guide/key-pair-auth): "Authorization: Bearer <JWT>" with
// "X-Snowflake-Authorization-Token-Type: KEYPAIR_JWT"; the JWT is RS256-signed, with
// iss = "<ACCOUNT>.<USER>.SHA256:<base64 SHA-256 of the DER SubjectPublicKeyInfo>",
// sub = "<ACCOUNT>.<USER>", iat and exp; a token is valid for at most one hour after iat.
import { createHash, createPublicKey, generateKeyPairSync, randomUUID, verify } from 'node:crypto';

export class AuthError extends Error {
  constructor(code, message, reason) {
    super(message);
    this.code = code;
    this.reason = reason; // what SYSTEM$GET_LOGIN_FAILURE_DETAILS would tell an administrator
  }

  body() {
    return { code: this.code, message: `${this.message} [${randomUUID()}]` };
  }
}

const jwtInvalid = (reason) => new AuthError('390144', 'JWT token is invalid.', reason);
const oauthInvalid = (reason) => new AuthError('390303', 'Invalid OAuth access token.', reason);

export function fingerprint(publicKey) {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `SHA256:${createHash('sha256').update(der).digest('base64')}`;
}

export function newKeyPair() {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

export class Users {
  constructor(account) {
    this.account = account;
    this.users = new Map(); // name → { name, keys: [{ key, fingerprint, pem }], defaults }
  }

  // Registers a public key (RSA_PUBLIC_KEY / RSA_PUBLIC_KEY_2: at most two per user).
  addKey(name, publicKey, defaults = null) {
    const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
    if (key.asymmetricKeyType !== 'rsa' || key.asymmetricKeyDetails.modulusLength < 2048) {
      throw new Error('public key must be an RSA key of at least 2048 bits');
    }
    const u = this.users.get(name) || { name, keys: [], defaults: {} };
    const fp = fingerprint(key);
    if (!u.keys.some((k) => k.fingerprint === fp)) {
      if (u.keys.length >= 2) u.keys.shift();
      u.keys.push({ key, fingerprint: fp, pem: key.export({ type: 'spki', format: 'pem' }) });
    }
    if (defaults) u.defaults = { ...u.defaults, ...defaults };
    this.users.set(name, u);
    return { user: u, fingerprint: fp };
  }

  list() {
    return [...this.users.values()].map((u) => ({ name: u.name, fingerprints: u.keys.map((k) => k.fingerprint), defaults: u.defaults }));
  }
}

const b64urlJson = (s) => {
  if (!/^[A-Za-z0-9_-]+$/.test(s)) throw jwtInvalid('JWT_TOKEN_INVALID: segment is not base64url');
  try { return JSON.parse(Buffer.from(s, 'base64url').toString('utf8')); } catch { throw jwtInvalid('JWT_TOKEN_INVALID: segment is not JSON'); }
};

// Checks the headers of one request; returns the user or throws AuthError.
export function authenticate(headers, users, settings, nowMs = Date.now()) {
  const type = headers['x-snowflake-authorization-token-type'];
  const auth = headers.authorization;
  if (!auth) throw oauthInvalid('no Authorization header');
  const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
  if (type === undefined) {
    if (settings.require_token_type_header) throw oauthInvalid('no X-Snowflake-Authorization-Token-Type header: the token is taken as an OAuth token');
  } else if (String(type).trim().toUpperCase() !== 'KEYPAIR_JWT') {
    throw oauthInvalid(`X-Snowflake-Authorization-Token-Type is ${JSON.stringify(type)}; this account accepts key-pair JWTs only`);
  }
  if (!m) throw jwtInvalid('JWT_TOKEN_INVALID: Authorization is not "Bearer <token>"');
  const parts = m[1].split('.');
  if (parts.length !== 3) throw jwtInvalid('JWT_TOKEN_INVALID: not three dot-separated segments');
  const header = b64urlJson(parts[0]);
  const claims = b64urlJson(parts[1]);
  if (!header || header.alg !== 'RS256') throw jwtInvalid(`JWT_TOKEN_INVALID_ALGORITHM: alg is ${JSON.stringify(header && header.alg)}, not RS256`);
  if (header.typ !== undefined && String(header.typ).toUpperCase() !== 'JWT') throw jwtInvalid('JWT_TOKEN_INVALID: typ is not JWT');
  const { iss, sub, iat, exp } = claims || {};
  if (typeof iss !== 'string' || typeof sub !== 'string') throw jwtInvalid('JWT_TOKEN_INVALID: iss and sub are required strings');
  if (typeof iat !== 'number' || typeof exp !== 'number') throw jwtInvalid('JWT_TOKEN_INVALID_ISSUE_TIME: iat and exp must be NumericDate numbers (seconds)');
  const im = /^([^.]+)\.(.+)\.SHA256:([A-Za-z0-9+/]{43}=)$/.exec(iss);
  if (!im) throw jwtInvalid(`JWT_TOKEN_INVALID_ISSUER: iss ${JSON.stringify(iss)} is not <ACCOUNT>.<USER>.SHA256:<fingerprint>`);
  const [, account, userName, fpB64] = im;
  if (account !== users.account) {
    throw jwtInvalid(`JWT_TOKEN_INVALID_ACCOUNT: account ${JSON.stringify(account)} in iss is not ${JSON.stringify(users.account)} (upper case, no region or cloud suffix)`);
  }
  if (sub !== `${account}.${userName}`) throw jwtInvalid(`JWT_TOKEN_INVALID_SUBJECT: sub ${JSON.stringify(sub)} is not "${account}.${userName}"`);
  const user = users.users.get(userName);
  if (!user) throw jwtInvalid(`JWT_TOKEN_INVALID_USER_IN_ISSUER: no user ${JSON.stringify(userName)} (user names are upper case)`);
  const key = user.keys.find((k) => k.fingerprint === `SHA256:${fpB64}`);
  if (!key) throw jwtInvalid('JWT_TOKEN_INVALID_PUBLIC_KEY_FINGERPRINT_MISMATCH: the fingerprint in iss matches no public key of the user');
  let sig;
  try { sig = Buffer.from(parts[2], 'base64url'); } catch { throw jwtInvalid('JWT_TOKEN_INVALID_SIGNATURE'); }
  if (!/^[A-Za-z0-9_-]+$/.test(parts[2]) || !verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), key.key, sig)) {
    throw jwtInvalid('JWT_TOKEN_INVALID_SIGNATURE: RS256 signature does not verify with the registered public key');
  }
  const now = nowMs / 1000;
  const skew = settings.jwt_clock_skew_s;
  if (iat > now + skew) throw jwtInvalid(`JWT_TOKEN_INVALID_ISSUE_TIME: iat is ${Math.round(iat - now)} s in the future`);
  if (exp <= iat) throw jwtInvalid('JWT_TOKEN_INVALID_ISSUE_TIME: exp is not after iat');
  if (now > exp + skew) throw jwtInvalid(`JWT_TOKEN_EXPIRED: exp passed ${Math.round(now - exp)} s ago`);
  if (now > iat + 3600 + skew) throw jwtInvalid('JWT_TOKEN_EXPIRED: a JWT is valid for at most one hour after iat');
  const warnings = [];
  if (exp > iat + 3600) warnings.push('JWT exp is more than one hour after iat: Snowflake honours at most one hour');
  return { user, warnings };
}
