// A fault-injecting HTTP proxy for the S3 tests: forwards requests to the S3 server unchanged
// (Host included, so signatures stay valid) except for a share of them, which get a 500
// InternalError, a 503 SlowDown or 503 ServiceUnavailable, or a reset connection, all before
// the request reaches the server. Deterministic for a seed.
// usage: node fault_proxy.mjs <listen_port> <target_port> <fault_fraction> [seed]
// Prints "listening <port>" once ready (port 0 picks a free one) and counts faults on SIGTERM.
import http from 'node:http';

const [listenPort, targetPort, fraction, seedArg] = process.argv.slice(2);
let seed = Number(seedArg ?? 1) >>> 0 || 1;
function random() {  // xorshift32
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed / 4294967296;
}
const counts = { forwarded: 0, InternalError: 0, SlowDown: 0, ServiceUnavailable: 0, reset: 0 };
const faults = [
  ['InternalError', 500], ['SlowDown', 503], ['ServiceUnavailable', 503], ['reset', 0],
];

const server = http.createServer((req, res) => {
  if (random() < Number(fraction)) {
    const [code, status] = faults[Math.floor(random() * faults.length)];
    counts[code]++;
    if (status === 0) {
      req.socket.resetAndDestroy();
      return;
    }
    req.resume();  // drain the body so the client reads our answer
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/xml', connection: 'close' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code>` +
              `<Message>injected by fault_proxy</Message></Error>`);
    });
    return;
  }
  counts.forwarded++;
  const upstream = http.request(
      { host: '127.0.0.1', port: Number(targetPort), method: req.method, path: req.url,
        headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode, up.headers);
        up.pipe(res);
      });
  upstream.on('error', () => req.socket.destroy());
  req.pipe(upstream);
});
server.keepAliveTimeout = 30000;
server.listen(Number(listenPort), '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
process.on('SIGTERM', () => {
  console.log(JSON.stringify(counts));
  process.exit(0);
});
