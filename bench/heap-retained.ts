/**
 * `tsx bench/heap-retained.ts SNAPSHOT [N] [name ...]` — retained sizes in one heap snapshot (dominator tree, weak
 * edges ignored, like Chrome DevTools): the classes/names whose instances retain the most, summed over instances and
 * divided by N (the live workflows of the snapshot). Names given on the command line are also expanded: what their
 * instances directly dominate, by edge name, so "Activator" shows which of its fields hold the memory.
 *   node --max-old-space-size=8000 --import tsx bench/heap-retained.ts /tmp/snap/recording-300.heapsnapshot 300 Activator
 */
import fs from 'node:fs';
import { integerOption } from '../src/config/numbers';

interface Snapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: (string[] | string)[];
      edge_fields: string[];
      edge_types: (string[] | string)[];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

const [file, nArg, ...expand] = process.argv.slice(2);
if (!file) throw new Error('usage: heap-retained SNAPSHOT [N] [name ...]');
const per = nArg === undefined ? 1 : integerOption(1)(nArg);
const s = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
const nf = s.snapshot.meta.node_fields;
const ef = s.snapshot.meta.edge_fields;
const nodeTypes = s.snapshot.meta.node_types[0] as string[];
const edgeTypes = s.snapshot.meta.edge_types[0] as string[];
const NW = nf.length;
const EW = ef.length;
const nType = nf.indexOf('type');
const nName = nf.indexOf('name');
const nSize = nf.indexOf('self_size');
const nEdges = nf.indexOf('edge_count');
const eType = ef.indexOf('type');
const eName = ef.indexOf('name_or_index');
const eTo = ef.indexOf('to_node');
const N = s.nodes.length / NW;
const weak = edgeTypes.indexOf('weak');
const elementEdge = edgeTypes.indexOf('element');
const hiddenEdge = edgeTypes.indexOf('hidden');

const firstEdge = new Uint32Array(N + 1);
for (let i = 0, e = 0; i < N; i++) {
  firstEdge[i] = e;
  e += s.nodes[i * NW + nEdges]! * EW;
  firstEdge[i + 1] = e;
}
const succ = (i: number, f: (to: number, edge: number) => void) => {
  for (let e = firstEdge[i]!; e < firstEdge[i + 1]!; e += EW) {
    if (s.edges[e + eType] === weak) continue;
    f(s.edges[e + eTo]! / NW, e);
  }
};

// Iterative DFS order from the root (node 0), then Cooper-Harvey-Kennedy dominators on the reverse postorder.
const order = new Int32Array(N).fill(-1);
const post: number[] = [];
{
  const stack: number[] = [0];
  const it = new Uint32Array(N);
  const seen = new Uint8Array(N);
  seen[0] = 1;
  for (let i = 0; i < N; i++) it[i] = firstEdge[i]!;
  while (stack.length) {
    const v = stack[stack.length - 1]!;
    let pushed = false;
    while (it[v]! < firstEdge[v + 1]!) {
      const e = it[v]!;
      it[v] = e + EW;
      if (s.edges[e + eType] === weak) continue;
      const w = s.edges[e + eTo]! / NW;
      if (!seen[w]) {
        seen[w] = 1;
        stack.push(w);
        pushed = true;
        break;
      }
    }
    if (!pushed) {
      stack.pop();
      order[v] = post.length;
      post.push(v);
    }
  }
}
const preds: number[][] = Array.from({ length: N }, () => []);
for (let i = 0; i < N; i++) {
  if (order[i] === -1) continue;
  succ(i, (to) => {
    if (order[to] !== -1) preds[to]!.push(i);
  });
}
const idom = new Int32Array(N).fill(-1);
idom[0] = 0;
const intersect = (a: number, b: number) => {
  while (a !== b) {
    while (order[a]! < order[b]!) a = idom[a]!;
    while (order[b]! < order[a]!) b = idom[b]!;
  }
  return a;
};
for (let changed = true; changed;) {
  changed = false;
  for (let k = post.length - 2; k >= 0; k--) {
    const v = post[k]!;
    let d = -1;
    for (const p of preds[v]!) {
      if (idom[p] === -1) continue;
      d = d === -1 ? p : intersect(p, d);
    }
    if (d !== -1 && idom[v] !== d) {
      idom[v] = d;
      changed = true;
    }
  }
}
const retained = new Float64Array(N);
for (let i = 0; i < N; i++) retained[i] = s.nodes[i * NW + nSize]!;
for (const v of post) if (v !== 0 && idom[v]! >= 0) retained[idom[v]!] = retained[idom[v]!]! + retained[v]!;

const label = (i: number) => {
  const type = nodeTypes[s.nodes[i * NW + nType]!]!;
  const name = s.strings[s.nodes[i * NW + nName]!]!;
  return type === 'object' || type === 'closure' || type === 'native'
    ? `${type} ${name}`
    : `${type} ${name.slice(0, 50)}`;
};
const kib = (b: number) => `${(b / 1024 / per).toFixed(2).padStart(8)} KiB`;

// Sum of retained sizes per label, counting only nodes whose dominator has another label (no double counting of
// nested instances of one class).
const byLabel = new Map<string, { count: number; size: number }>();
for (let i = 1; i < N; i++) {
  if (idom[i] === -1) continue;
  const l = label(i);
  if (label(idom[i]!) === l) continue;
  const g = byLabel.get(l) ?? { count: 0, size: 0 };
  g.count++;
  g.size += retained[i]!;
  byLabel.set(l, g);
}
console.log(`retained per unit (N = ${per}); total heap ${(retained[0]! / 1024 / 1024).toFixed(1)} MiB`);
for (const [l, g] of [...byLabel]
  .sort((a, b) => b[1].size - a[1].size)
  .slice(0, integerOption(1)(process.env.TOP ?? '50'))) {
  console.log(`${kib(g.size)} ${(g.count / per).toFixed(1).padStart(7)}  ${l}`);
}
// Dominator-tree children of every node, to expand a name: what its instances dominate, named by the edge from the
// instance when there is one, else by the child's own label; `name/field` expands one level further.
const kids: number[][] = Array.from({ length: N }, () => []);
for (let i = 1; i < N; i++) if (idom[i]! >= 0 && idom[i] !== i) kids[idom[i]!]!.push(i);
const edgeLabel = (from: number, to: number): string => {
  let out = '';
  succ(from, (t, e) => {
    if (out || t !== to) return;
    const et = s.edges[e + eType]!;
    out = et === elementEdge || et === hiddenEdge ? `[${edgeTypes[et]}]` : String(s.strings[s.edges[e + eName]!]);
  });
  return out || '(indirect)';
};
for (const spec of expand) {
  const [name, ...path] = spec.split('/');
  let roots: number[] = [];
  for (let i = 0; i < N; i++) if (label(i) === name || s.strings[s.nodes[i * NW + nName]!] === name) roots.push(i);
  for (const field of path) {
    const next: number[] = [];
    for (const r of roots) for (const k of kids[r]!) if (edgeLabel(r, k) === field) next.push(k);
    roots = next;
  }
  const fields = new Map<string, { count: number; size: number }>();
  let total = 0;
  for (const i of roots) {
    total += retained[i]!;
    for (const k of kids[i]!) {
      const key = `${edgeLabel(i, k)} → ${label(k)}`;
      const g = fields.get(key) ?? { count: 0, size: 0 };
      g.count++;
      g.size += retained[k]!;
      fields.set(key, g);
    }
  }
  console.log(`\n${spec}: ${roots.length} instances, retained ${kib(total)} per unit`);
  for (const [k, g] of [...fields]
    .sort((a, b) => b[1].size - a[1].size)
    .slice(0, integerOption(1)(process.env.FIELDS ?? '25'))) {
    console.log(`  ${kib(g.size)} ${(g.count / per).toFixed(1).padStart(7)}  ${k.replace(/\n/g, ' ').slice(0, 110)}`);
  }
}
