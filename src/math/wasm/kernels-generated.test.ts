import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { compileKernels, renderModule } from '../../../scripts/build-wasm.mjs';

describe('src/math/wasm/kernels.generated.ts', () => {
  it('is what scripts/build-wasm.mjs builds from assembly/kernels.ts (run it after editing the kernels)', async () => {
    const { wasm } = (await compileKernels()) as { wasm: Uint8Array };
    const committed = await readFile(new URL('./kernels.generated.ts', import.meta.url), 'utf8');
    expect(committed).toBe(renderModule(wasm));
  });
});
