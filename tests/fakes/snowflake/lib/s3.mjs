// Minimal S3 client (path-style, AWS Signature V4 with node:crypto) for COPY INTO: list, get
// (streamed to a file), delete. Requests are unsigned when no credentials are given.
import { createHash, createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';

const EMPTY_SHA = createHash('sha256').update('').digest('hex');
const rfc3986 = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const hmac = (key, data) => createHmac('sha256', key).update(data).digest();

export class S3Error extends Error {
  constructor(status, code, message, requestId) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}

const DEFAULT_MESSAGES = {
  SignatureDoesNotMatch: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  InvalidAccessKeyId: 'The AWS Access Key Id you provided does not exist in our records.',
  AccessDenied: 'Access Denied',
  NoSuchBucket: 'The specified bucket does not exist',
  NoSuchKey: 'The specified key does not exist.',
  InvalidToken: 'The provided token is malformed or otherwise invalid.',
  ExpiredToken: 'The provided token has expired.',
};

const xmlText = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&#(\d+);/g, (_, d) => String.fromCharCode(Number(d))).replace(/&amp;/g, '&');
const tag = (xml, name) => { const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml); return m ? xmlText(m[1]) : null; };

export class S3Client {
  // creds: { accessKeyId, secretAccessKey, sessionToken } or null
  constructor(endpoint, creds, region = 'us-east-1') {
    this.endpoint = new URL(endpoint);
    this.creds = creds;
    this.region = region;
  }

  sign(method, path, query, headers) {
    const now = new Date();
    const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const day = amzDate.slice(0, 8);
    headers['x-amz-date'] = amzDate;
    headers['x-amz-content-sha256'] = method === 'GET' ? 'UNSIGNED-PAYLOAD' : EMPTY_SHA;
    if (this.creds.sessionToken) headers['x-amz-security-token'] = this.creds.sessionToken;
    const names = Object.keys(headers).map((h) => h.toLowerCase()).sort();
    const canonHeaders = names.map((h) => `${h}:${String(headers[h]).trim()}\n`).join('');
    const signed = names.join(';');
    const canonQuery = Object.keys(query).sort().map((k) => `${rfc3986(k)}=${rfc3986(query[k])}`).join('&');
    const creq = [method, path, canonQuery, canonHeaders, signed, headers['x-amz-content-sha256']].join('\n');
    const scope = `${day}/${this.region}/s3/aws4_request`;
    const sts = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(creq).digest('hex')].join('\n');
    const kDate = hmac(`AWS4${this.creds.secretAccessKey}`, day);
    const kSigning = hmac(hmac(hmac(kDate, this.region), 's3'), 'aws4_request');
    const sig = createHmac('sha256', kSigning).update(sts).digest('hex');
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${this.creds.accessKeyId}/${scope}, SignedHeaders=${signed}, Signature=${sig}`;
  }

  request(method, bucket, key, query = {}, sink = null) {
    const path = `/${rfc3986(bucket)}${key !== null && key !== undefined ? '/' + key.split('/').map(rfc3986).join('/') : ''}`;
    const headers = { host: this.endpoint.host };
    if (this.creds) this.sign(method, path, query, headers);
    const qs = Object.keys(query).sort().map((k) => `${rfc3986(k)}=${rfc3986(query[k])}`).join('&');
    const mod = this.endpoint.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request({
        method, hostname: this.endpoint.hostname, port: this.endpoint.port,
        path: qs ? `${path}?${qs}` : path, headers, timeout: 120000,
      }, (res) => {
        const ok = res.statusCode >= 200 && res.statusCode < 300;
        if (ok && sink) {
          const out = fs.createWriteStream(sink);
          res.pipe(out);
          out.on('finish', () => resolve({ status: res.statusCode }));
          out.on('error', reject);
          res.on('error', reject);
          return;
        }
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (ok) return resolve({ status: res.statusCode, body });
          const code = tag(body, 'Code') || (res.statusCode === 404 ? 'NoSuchKey' : res.statusCode === 403 ? 'AccessDenied' : null);
          const msg = tag(body, 'Message') || DEFAULT_MESSAGES[code] || `HTTP ${res.statusCode}`;
          reject(new S3Error(res.statusCode, code, msg, tag(body, 'RequestId') || res.headers['x-amz-request-id']));
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('S3 request timed out')));
      req.on('error', reject);
      req.end();
    });
  }

  // All objects under a prefix: [{ key, etag, size }].
  async list(bucket, prefix) {
    const out = [];
    let token = null;
    for (;;) {
      const q = { 'list-type': '2', prefix, 'max-keys': '1000' };
      if (token) q['continuation-token'] = token;
      const { body } = await this.request('GET', bucket, null, q);
      for (const m of body.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
        out.push({ key: tag(m[1], 'Key'), etag: (tag(m[1], 'ETag') || '').replace(/"/g, ''), size: Number(tag(m[1], 'Size') || 0) });
      }
      if (tag(body, 'IsTruncated') !== 'true') break;
      token = tag(body, 'NextContinuationToken');
      if (!token) break;
    }
    return out;
  }

  get(bucket, key, file) { return this.request('GET', bucket, key, {}, file); }
  delete(bucket, key) { return this.request('DELETE', bucket, key); }
}

// Snowflake's wording for a storage failure: "<message> (Status Code: 403; Error Code: X; ...)".
export function describeS3Error(e) {
  if (e instanceof S3Error) return `${e.message} (Status Code: ${e.status}; Error Code: ${e.code}; Request ID: ${e.requestId || 'null'}; Proxy: null)`;
  return `Unable to execute HTTP request: ${e.message}`;
}
