/**
 * Load generator for the Bluesky feed generator benchmark, in its own process: `node bench/_xrpc-load.mjs <port>
 * <seconds> <connections> <requests.json>` runs autocannon against 127.0.0.1, cycling through the requests
 * (`{ path, token? }`: a token is sent as `Authorization: Bearer`), and prints the result as JSON.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [port, seconds, connections, file] = process.argv.slice(2);
const requests = JSON.parse(readFileSync(file, 'utf8'));
let n = 0;
const result = await autocannon({
  url: `http://127.0.0.1:${port}`,
  connections: Number(connections),
  duration: Number(seconds),
  requests: [{
    method: 'GET',
    setupRequest: (req) => {
      const r = requests[n++ % requests.length];
      return { ...req, path: r.path, headers: { ...req.headers, ...(r.token ? { authorization: `Bearer ${r.token}` } : {}) } };
    },
  }],
});
process.stdout.write(JSON.stringify({ requests: result.requests, latency: result.latency, non2xx: result.non2xx, errors: result.errors }));
