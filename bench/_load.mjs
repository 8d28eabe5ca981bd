/**
 * Load generator for the serving benchmarks, run as its own process so that it does not share the server's
 * event loop: `node bench/_load.mjs <port> <seconds> <connections> <path-template> <ids.json>` runs autocannon
 * against 127.0.0.1, cycling through the ids (`{id}` in the path template), and prints the result as JSON.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [port, seconds, connections, template, idsFile] = process.argv.slice(2);
const ids = JSON.parse(readFileSync(idsFile, 'utf8'));
let n = 0;
const result = await autocannon({
  url: `http://127.0.0.1:${port}`,
  connections: Number(connections),
  duration: Number(seconds),
  requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: template.replace('{id}', encodeURIComponent(ids[n++ % ids.length])) }) }],
});
process.stdout.write(JSON.stringify({ requests: result.requests, latency: result.latency, non2xx: result.non2xx, errors: result.errors }));
