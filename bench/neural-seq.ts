/**
 * @module Sequential recommenders on Amazon Video Games (SASRec's `Video.txt`): seconds per SASRec epoch (wall and
 * CPU) and quality under `loo` (HR@10 / NDCG@10 among 100 sampled negatives, as the paper, and full-ranking
 * NDCG@10), against a faithful PyTorch port of pmixer/SASRec.pytorch (`bench/peers/sasrec_torch.py`, 2 threads)
 * trained for the same epochs on the same data and protocol in the same run.
 *
 * Usage: npx tsx bench/neural-seq.ts (or npm run bench -- neural-seq)
 *   --epochs N (default 20)  --eval-every N (validation NDCG@10, default 5)  --models seq/sasrec,seq/gru4rec
 *   --no-peer  --sequential (run the peer after ours instead of beside it: cleaner wall times, twice as long)
 *   --checkpoint-dir DIR (keep the training checkpoints there: a stopped run resumes where its last validation left
 *   it, and a run with fewer --epochs than the checkpoint holds trains no further and only evaluates)
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadEvaluationData } from '../src/eval/load-data.js';
import { runEvaluation } from '../src/eval/run-evaluation.js';
import { registerBuiltinModels } from '../src/models/builtin.js';
import { createModel } from '../src/models/registry.js';
import type { Recommender } from '../src/models/recommender.js';
import type { EpochReport } from '../src/models/seq/seq-recommender.js';
import { dataDir, hasData, machineLine, python, table } from './_machine.js';

registerBuiltinModels();

/** SASRec paper, Table III, Video Games (Kang & McAuley 2018). */
const PAPER = { hr10: 0.741, ndcg10: 0.536 };

interface PeerResult {
  epochs: { epoch: number; seconds: number; cpuSeconds: number; loss: number; valNdcg?: number }[];
  testNdcg?: number;
  testHr?: number;
  error?: string;
}

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1]! : fallback;
}

function runPeer(file: string, epochs: number, evalEvery: number): Promise<PeerResult> {
  const py = python();
  if (py === undefined) return Promise.resolve({ epochs: [], error: 'skipped: /usr/bin/python3 missing' });
  return new Promise((done) => {
    const child = spawn(py, [resolve('bench/peers/sasrec_torch.py'), '--data', file, '--epochs', String(epochs), '--eval-every', String(evalEvery)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const res: PeerResult = { epochs: [] };
    let out = '', err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('close', (code) => {
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        const r = JSON.parse(line) as Record<string, number | boolean>;
        if (r.final) { res.testNdcg = r.testNdcg as number; res.testHr = r.testHr as number; } else res.epochs.push(r as unknown as PeerResult['epochs'][number]);
      }
      if (code !== 0) res.error = /No module named 'torch'/.test(err) ? 'skipped: torch is not installed for /usr/bin/python3' : `peer failed (${code}): ${err.trim().split('\n').slice(-1)[0]}`;
      done(res);
    });
  });
}

const median = (v: number[]): number => { const s = [...v].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)]! : NaN; };

/** Cumulative training seconds until validation NDCG@10 first reaches `target`, or undefined. */
function timeTo(epochs: { seconds: number; ndcg?: number }[], target: number): number | undefined {
  let t = 0;
  for (const e of epochs) {
    t += e.seconds;
    if (e.ndcg !== undefined && e.ndcg >= target) return t;
  }
  return undefined;
}

export async function run(args: string[]): Promise<void> {
  const epochs = Number(arg(args, '--epochs', '20')), evalEvery = Number(arg(args, '--eval-every', '5'));
  const models = arg(args, '--models', 'seq/sasrec').split(',');
  console.log(`## Sequential recommenders — Video Games (SASRec data)\n\n${machineLine()}\n`);
  if (!hasData('sasrec-video/Video.txt')) {
    console.log('skipped: sasrec-video/Video.txt not found under', dataDir());
    return;
  }
  const file = resolve(dataDir(), 'sasrec-video/Video.txt');
  const peerWanted = !args.includes('--no-peer') && models.includes('seq/sasrec');
  let peer: Promise<PeerResult> | undefined = peerWanted && !args.includes('--sequential') ? runPeer(file, epochs, evalEvery) : undefined;
  const data = await loadEvaluationData(`interactions:${file}`);
  console.log(`${data.users.size} users, ${data.items.size} items, ${data.log.user.length} interactions; ${epochs} epochs, validation every ${evalEvery}\n`);
  const keepDir = args.includes('--checkpoint-dir') ? resolve(arg(args, '--checkpoint-dir', '')) : undefined;
  if (keepDir !== undefined) mkdirSync(keepDir, { recursive: true });
  const dir = keepDir ?? mkdtempSync(join(tmpdir(), 'neural-seq-'));
  const rows: (string | number)[][] = [];
  const curves: string[] = [];
  try {
    for (const id of models) {
      const checkpoint = join(dir, `${id.replace('/', '-')}.safetensors`);
      const params = { epochs, evalEvery, patience: 1000, checkpoint };
      let last: Recommender | undefined;
      const create = (mid: string, p?: Record<string, unknown>): Recommender => {
        last = createModel(mid, p);
        (last as unknown as { onEpoch?: (r: EpochReport) => void }).onEpoch = (r) => console.error(`${id} ${JSON.stringify(r)}`);
        return last;
      };
      const w0 = performance.now();
      const sampled = await runEvaluation({ data, protocol: 'loo', models: [{ id, params }], sampledNegatives: 100, k: 10, beyondAccuracy: false, createModel: create });
      const wall = (performance.now() - w0) / 1000;
      const history = (last as unknown as { history: EpochReport[] }).history;
      // Full ranking: same checkpoint, so the model resumes past its last epoch and trains no further.
      const full = await runEvaluation({ data, protocol: 'loo', models: [{ id, params }], k: 10, beyondAccuracy: false, auc: false });
      const m = sampled.models[0]!.metrics, f = full.models[0]!.metrics;
      const t = timeTo(history, PAPER.ndcg10);
      rows.push([id, median(history.map((h) => h.seconds)), median(history.map((h) => h.cpuSeconds)), history.length, m['hit@10']!, m['ndcg@10']!, f['ndcg@10']!, t === undefined ? `not within ${epochs} epochs` : t.toFixed(0), wall.toFixed(0)]);
      curves.push(`${id} validation NDCG@10: ${history.filter((h) => h.ndcg !== undefined).map((h) => `e${h.epoch} ${h.ndcg!.toFixed(3)}`).join(', ')}`);
    }
  } finally {
    if (keepDir === undefined) rmSync(dir, { recursive: true, force: true });
  }
  if (peerWanted && peer === undefined) peer = runPeer(file, epochs, evalEvery);
  if (peer !== undefined) {
    const p = await peer;
    if (p.error !== undefined && p.epochs.length === 0) console.log(`PyTorch peer: ${p.error}\n`);
    else {
      const ev = p.epochs.map((e) => ({ seconds: e.seconds, ndcg: e.valNdcg }));
      const t = timeTo(ev, PAPER.ndcg10);
      rows.push(['PyTorch SASRec (pmixer port, 2 threads)', median(p.epochs.map((e) => e.seconds)), median(p.epochs.map((e) => e.cpuSeconds)), p.epochs.length, p.testHr ?? NaN, p.testNdcg ?? NaN, '—', t === undefined ? `not within ${epochs} epochs` : t.toFixed(0), '—']);
      curves.push(`PyTorch validation NDCG@10: ${p.epochs.filter((e) => e.valNdcg !== undefined).map((e) => `e${e.epoch} ${e.valNdcg!.toFixed(3)}`).join(', ')}`);
      const ours = rows.find((r) => r[0] === 'seq/sasrec');
      if (ours) {
        console.log(`SASRec epoch time, ours ÷ PyTorch: wall ${((ours[1] as number) / median(p.epochs.map((e) => e.seconds))).toFixed(2)}×, CPU ${((ours[2] as number) / median(p.epochs.map((e) => e.cpuSeconds))).toFixed(2)}× (target ≤ 1.5×)\n`);
      }
    }
  }
  rows.push([`paper (Kang & McAuley 2018, Table III)`, '—', '—', '—', PAPER.hr10, PAPER.ndcg10, '—', '—', '—']);
  console.log(table(['model', 's/epoch (wall, median)', 'CPU s/epoch (median)', 'epochs', 'HR@10 (100 neg.)', 'NDCG@10 (100 neg.)', 'NDCG@10 (full)', `s to val. NDCG@10 ≥ ${PAPER.ndcg10}`, 'bench wall s'], rows));
  console.log('\n' + curves.join('\n'));
}

// Direct use: `npx tsx bench/neural-seq.ts --epochs 20`.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await run(process.argv.slice(2));
