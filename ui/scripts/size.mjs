// Checks the size budget of the built app: every .js file of the output directory (dist/, or
// AURORA_UI_OUT), gzipped, must add up to at most 600 KB. Prints each file and the total; exits 1 over
// the budget or when there is nothing built.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const BUDGET_KB = 600;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = process.env.AURORA_UI_OUT || path.join(root, 'dist');

function walk(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(p));
    else if (entry.isFile() && entry.name.endsWith('.js')) out.push(p);
  }
  return out;
}

if (!fs.existsSync(outDir)) {
  console.error(`size: ${outDir} does not exist; run npm run build first`);
  process.exit(1);
}
const files = walk(outDir).sort();
if (files.length === 0) {
  console.error(`size: no .js files under ${outDir}; run npm run build first`);
  process.exit(1);
}
let total = 0;
for (const f of files) {
  const gz = zlib.gzipSync(fs.readFileSync(f), { level: 9 }).length;
  total += gz;
  console.log(`${(gz / 1024).toFixed(1).padStart(8)} KB  ${path.relative(outDir, f)}`);
}
const totalKb = total / 1024;
console.log(`${totalKb.toFixed(1).padStart(8)} KB  total JS, gzipped (budget ${BUDGET_KB} KB)`);
if (totalKb > BUDGET_KB) {
  console.error(`size: over budget by ${(totalKb - BUDGET_KB).toFixed(1)} KB`);
  process.exit(1);
}
