// Evaluates a corpus with feelin, the reference FEEL interpreter, in one process.
// Usage: node feelin-runner.mjs <feelin package folder> <cases.json>; cases: [{"expression", "context"}].
// Prints one JSON line per case: {"value": ...} or {"error": "..."}; temporal values print as ISO strings.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [, , packageFolder, casesFile] = process.argv;
const { evaluate } = await import(pathToFileURL(path.join(packageFolder, 'dist', 'index.js')).href);
const cases = JSON.parse(readFileSync(casesFile, 'utf8'));

function plain(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'function' || (typeof value === 'object' && 'parameterNames' in value && 'fn' in value)) return null;
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object') {
    if (typeof value.toJSON === 'function') return value.toJSON();
    const result = {};
    for (const [k, v] of Object.entries(value)) result[k] = plain(v);
    return result;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}

const lines = [];
for (const c of cases) {
  try {
    const result = evaluate(c.expression, c.context);
    lines.push(JSON.stringify({ value: plain(result.value) }));
  } catch (e) {
    lines.push(JSON.stringify({ error: String(e && e.message || e) }));
  }
}
process.stdout.write(lines.join('\n') + '\n');
