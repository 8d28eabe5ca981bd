import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILES } from '../../scripts/generated-files.js';

// Each file generated from the code is committed; a change to its source without regenerating it fails here.
describe('generated files are in step with their source', () => {
  for (const file of GENERATED_FILES) {
    it(`${file.path} (regenerate with \`npm run ${file.script}\`)`, async () => {
      const onDisk = readFileSync(new URL(`../../${file.path}`, import.meta.url), 'utf8');
      expect(onDisk === (await file.render()), `${file.path} is stale: run \`npm run ${file.script}\` and commit it`).toBe(true);
    }, 120_000);
  }
});
