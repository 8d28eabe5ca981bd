/**
 * @module The built-in models, registered explicitly: the composition roots (createEngine, the CLI, benchmarks)
 * call `registerBuiltinModels()` once; importing this module registers nothing by itself.
 */
import { registerModel, type ModelFactory } from './registry.js';
import { allTimeFactory, trendingFactory } from './popular/popular.js';
import { itemKnnFactories } from './knn/item-knn.js';
import { userKnnFactory } from './knn/user-knn.js';
import { inNetworkFactory } from './in-network/in-network.js';
import { easeFactory } from './ease/ease.js';
import { ialsFactory } from './mf/ials.js';
import { bprFactory } from './mf/bpr.js';
import { dpBprFactory } from './mf/dp-bpr.js';
import { sarFactory } from './sar/sar.js';
import { contentTfidfFactory } from './content/tfidf.js';
import { rankFusionFactory } from './hybrid/rank-fusion.js';
import { scoreFusionFactory } from './hybrid/score-fusion.js';
import { stackingFactory } from './hybrid/stacking.js';
import { rp3betaFactory } from './rp3beta/rp3beta.js';
import { timeWindowFactory } from './time-window/time-window.js';
import { timeEaseFactory, timeKnnFactory } from './time-proximity/time-proximity.js';
import { sasrecFactory } from './seq/sasrec.js';
import { gru4recFactory } from './seq/gru4rec.js';
import { lightgcnFactory } from './graph/lightgcn.js';
import { gfCfFactory } from './graph/gf-cf.js';
import { neumfFactory } from './neumf/neumf.js';
import { twoTowerFactory } from './two-tower/two-tower.js';
import { dpTwoTowerFactory } from './two-tower/dp-two-tower.js';
import { simclustersFactory } from './community/simclusters.js';

/** Every built-in model factory. */
export function builtinModels(): ModelFactory[] {
  return [
    easeFactory, ialsFactory, bprFactory, dpBprFactory, sarFactory, contentTfidfFactory, rankFusionFactory, scoreFusionFactory, stackingFactory,
    rp3betaFactory, timeWindowFactory, timeKnnFactory, timeEaseFactory, trendingFactory, allTimeFactory, ...itemKnnFactories,
    userKnnFactory, inNetworkFactory, lightgcnFactory, gfCfFactory, neumfFactory, twoTowerFactory, dpTwoTowerFactory, sasrecFactory, gru4recFactory,
    simclustersFactory,
  ];
}

let registered = false;

/** Registers every built-in model (idempotent). */
export function registerBuiltinModels(): void {
  if (registered) return;
  registered = true;
  for (const f of builtinModels()) registerModel(f);
}
