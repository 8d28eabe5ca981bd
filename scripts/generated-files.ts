/**
 * @module The files generated from the code, each with its render function and the npm script that writes it.
 * `scripts/generate.ts` writes them; test/packaging/generated-files.test.ts fails when a committed one is stale.
 */
import { renderErrorsDoc } from './errors-doc.js';
import { renderConfigDoc } from './config-doc.js';
import { renderClientSchema } from './client-schema.js';

export interface GeneratedFile {
  /** Path from the repository root. */
  path: string;
  /** The npm script that writes it. */
  script: string;
  render(): string | Promise<string>;
}

export const GENERATED_FILES: readonly GeneratedFile[] = [
  { path: 'docs/errors.md', script: 'docs:errors', render: renderErrorsDoc },
  { path: 'docs/config.md', script: 'docs:config', render: renderConfigDoc },
  { path: 'src/client/schema.generated.ts', script: 'client:generate', render: renderClientSchema },
];
