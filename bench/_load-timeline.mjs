/**
 * Load generator that keeps every response: `node bench/_load-timeline.mjs <port> <seconds> <connections>
 * <path-template> <ids.json>` runs autocannon against 127.0.0.1 like bench/_load.mjs and prints JSON with the
 * totals and `timeline`: one [epoch ms at the response, latency ms, status] per response (status 0: a request
 * error or timeout), so a benchmark can cut latencies by phase.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [port, seconds, connections, template, idsFile] = process.argv.slice(2);
const ids = JSON.parse(readFileSync(idsFile, 'utf8'));
let n = 0;
const timeline = [];
const instance = autocannon({
  url: `http://127.0.0.1:${port}`,
  connections: Number(connections),
  duration: Number(seconds),
  requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: template.replace('{id}', encodeURIComponent(ids[n++ % ids.length])) }) }],
});
instance.on('response', (_client, status, _bytes, latency) => timeline.push([Date.now(), latency, status]));
instance.on('reqError', () => timeline.push([Date.now(), NaN, 0]));
const result = await instance;
process.stdout.write(JSON.stringify({ requests: result.requests, latency: result.latency, non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts, timeline }));
