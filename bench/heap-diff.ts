/**
 * `tsx bench/heap-diff.ts A.heapsnapshot B.heapsnapshot [ΔN]` — what grew between two heap snapshots (from
 * bench/memory-probe.ts --snapshot-dir), by node type and constructor/name: count and self size, divided by ΔN (the
 * workflows added between them) when given. Strings are grouped by their first characters, so that, e.g., the stack
 * traces the SDK keeps for every pending promise show up as one line. Run with a large heap:
 *   node --max-old-space-size=8000 --import tsx bench/heap-diff.ts /tmp/snap/recording-100.heapsnapshot \
 *     /tmp/snap/recording-300.heapsnapshot 200
 */
import fs from 'node:fs';
import { integerOption } from '../src/config/numbers';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: (string[] | string)[] } };
  nodes: number[];
  strings: string[];
}

function groups(file: string): Map<string, { count: number; size: number }> {
  const s = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0] as string[];
  const width = fields.length;
  const iType = fields.indexOf('type');
  const iName = fields.indexOf('name');
  const iSize = fields.indexOf('self_size');
  const out = new Map<string, { count: number; size: number }>();
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + iType]!]!;
    let name = s.strings[s.nodes[i + iName]!]!;
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') {
      name = JSON.stringify(name.slice(0, 40));
    } else if (type === 'code' || type === 'hidden' || type === 'array' || type === 'object shape') {
      name = name.slice(0, 60);
    }
    const key = `${type} ${name}`;
    const g = out.get(key) ?? { count: 0, size: 0 };
    g.count++;
    g.size += s.nodes[i + iSize]!;
    out.set(key, g);
  }
  return out;
}

const [a, b, n] = process.argv.slice(2);
if (!a || !b) throw new Error('usage: heap-diff A.heapsnapshot B.heapsnapshot [ΔN]');
const per = n === undefined ? 1 : integerOption(1)(n);
const ga = groups(a);
const gb = groups(b);
const rows: { key: string; count: number; size: number }[] = [];
for (const [key, g] of gb) {
  const before = ga.get(key) ?? { count: 0, size: 0 };
  rows.push({ key, count: (g.count - before.count) / per, size: (g.size - before.size) / per });
}
rows.sort((x, y) => y.size - x.size);
const total = rows.reduce((t, r) => t + r.size, 0);
const byType = new Map<string, number>();
for (const r of rows) {
  const t = r.key.startsWith('concatenated string') ? 'concatenated string' : r.key.split(' ')[0]!;
  byType.set(t, (byType.get(t) ?? 0) + r.size);
}
console.log(`total ${(total / 1024).toFixed(1)} KiB per unit (ΔN = ${per})`);
console.log(
  [...byType]
    .sort((x, y) => y[1] - x[1])
    .map(([t, s]) => `  ${t}: ${(s / 1024).toFixed(1)} KiB`)
    .join('\n'),
);
for (const r of rows.slice(0, integerOption(1)(process.env.TOP ?? '60'))) {
  console.log(`${(r.size / 1024).toFixed(2).padStart(8)} KiB ${r.count.toFixed(1).padStart(7)}  ${r.key}`);
}
