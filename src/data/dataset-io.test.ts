import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MEDIA_DIM, plantedMedia } from '../../test/fixtures/planted-media.js';
import { buildDataset } from './dataset-builder.js';
import { loadDataset, saveDataset } from './dataset-io.js';
import { datasetWithout } from './dataset-without.js';

const dir = mkdtempSync(join(tmpdir(), 'resonate-dataset-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('item languages and vectors of a snapshot', () => {
  const { posts, events } = plantedMedia();
  const data = buildDataset({ posts: posts.map((p, i) => ({ ...p, lang: i % 2 === 0 ? 'zh' : null })), events });

  it('are saved with it and read back unchanged', () => {
    const path = join(dir, 'dataset.safetensors');
    saveDataset(data, path);
    const back = loadDataset(path);
    expect(back.itemLangs).toEqual(data.itemLangs);
    expect(back.itemLangs![0]).toBe('zh');
    expect(back.itemVectors!.image!.dim).toBe(MEDIA_DIM);
    expect(back.itemVectors!.image!.values).toEqual(data.itemVectors!.image!.values);
    expect(back.itemVectors!.image!.present).toEqual(data.itemVectors!.image!.present);
  });

  it('are cleared for an erased item', () => {
    const i = data.items.index('a1');
    const without = datasetWithout(data, { users: [], items: [i] });
    expect(without.itemLangs![i]).toBeNull();
    const image = without.itemVectors!.image!;
    expect(image.present[i]).toBe(0);
    expect(Array.from(image.values.subarray(i * MEDIA_DIM, (i + 1) * MEDIA_DIM))).toEqual(new Array(MEDIA_DIM).fill(0));
    // The snapshot it was made from keeps them.
    expect(data.itemVectors!.image!.present[i]).toBe(1);
  });
});
