/**
 * @module Registers every built-in model with the registry (import for its side effect).
 */
import { registerModel } from './registry.js';
import { allTimeFactory, trendingFactory } from './popular/popular.js';
import { itemKnnFactories } from './knn/item-knn.js';
import { userKnnFactory } from './knn/user-knn.js';
import { inNetworkFactory } from './in-network/in-network.js';
import { easeFactory } from './ease/ease.js';
import { ialsFactory } from './mf/ials.js';
import { bprFactory } from './mf/bpr.js';
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

registerModel(easeFactory);
registerModel(ialsFactory);
registerModel(bprFactory);
registerModel(sarFactory);
registerModel(contentTfidfFactory);
registerModel(rankFusionFactory);
registerModel(scoreFusionFactory);
registerModel(stackingFactory);
registerModel(rp3betaFactory);
registerModel(timeWindowFactory);
registerModel(timeKnnFactory);
registerModel(timeEaseFactory);
registerModel(trendingFactory);
registerModel(allTimeFactory);
for (const f of itemKnnFactories) registerModel(f);
registerModel(userKnnFactory);
registerModel(inNetworkFactory);
registerModel(lightgcnFactory);
registerModel(gfCfFactory);
registerModel(neumfFactory);
registerModel(twoTowerFactory);
registerModel(sasrecFactory);
registerModel(gru4recFactory);
