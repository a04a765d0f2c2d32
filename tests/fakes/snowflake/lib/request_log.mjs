// requests.log: one JSON line per request. Never the JWT; statements are logged with credential
// values redacted and bind values left out (only their types).
import fs from 'node:fs';

const SECRET_KEYS = /\b(AWS_KEY_ID|AWS_SECRET_KEY|AWS_TOKEN|AZURE_SAS_TOKEN|MASTER_KEY|KMS_KEY_ID)(\s*=\s*)('(?:[^'\\]|\\.|'')*'?|[^\s)]+)/gi;

export function redact(statement, max = 400) {
  if (typeof statement !== 'string') return null;
  const s = statement.replace(SECRET_KEYS, "$1$2'***'");
  return s.length > max ? `${s.slice(0, max)}… (${statement.length} chars)` : s;
}

export class RequestLog {
  constructor(file) {
    this.file = file;
    this.entries = [];
    this.fd = fs.openSync(file, 'a');
  }

  write(entry) {
    this.entries.push(entry);
    if (this.entries.length > 20000) this.entries.splice(0, this.entries.length - 20000);
    // Synchronous, so the line is in the file when the response reaches the client.
    if (this.fd !== null) fs.writeSync(this.fd, `${JSON.stringify(entry)}\n`);
  }

  clear() {
    this.entries = [];
  }

  close() {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}
