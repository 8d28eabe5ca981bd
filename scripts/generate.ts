/** Writes the generated files named on the command line by path or npm script (see generated-files.ts). */
import { writeFileSync } from 'node:fs';
import { GENERATED_FILES } from './generated-files.js';

const wanted = process.argv.slice(2);
const files = GENERATED_FILES.filter((f) => wanted.includes(f.path) || wanted.includes(f.script));
if (wanted.length === 0 || files.length !== wanted.length) {
  console.error(`usage: tsx scripts/generate.ts <${GENERATED_FILES.map((f) => f.script).join('|')}>…`);
  process.exit(2);
}
for (const f of files) {
  writeFileSync(new URL(`../${f.path}`, import.meta.url), await f.render());
  console.log(`${f.path} written`);
}
