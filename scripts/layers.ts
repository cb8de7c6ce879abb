// The house's layering, checked from import specifiers: slack → requests → tickets/queue → engines →
// db/config/kernel; jobs/ are kinds (engines, tickets, queue, below; never slack); wiring and the
// entry points may import anything. `npm run layers` prints the counts; test/unit/architecture
// asserts them. Self-contained on purpose (node: only), so it can measure any checkout:
// `node --import tsx scripts/layers.ts [root]`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export type Layer = 'entry' | 'slack' | 'requests' | 'kinds' | 'core' | 'engines' | 'base';

/** Higher ranks may import lower ranks and their own; below kinds, only through the registry (ruleBroken). */
const RANK: Record<Exclude<Layer, 'entry'>, number> = {
  slack: 5,
  requests: 4,
  kinds: 3,
  core: 2,
  engines: 1,
  base: 0,
};

const ENGINES = [
  'execute',
  'migrate',
  'monitor',
  'review',
  'inventory',
  'diagnose',
  'accounts',
  'runbooks',
  'backup',
  'ha',
];
const BASE = ['db', 'config', 'kernel', 'text'];
/** Root files of src/ that are process plumbing rather than a concern: treated like wiring. */
const ENTRY_FILES = ['src/main.ts', 'src/cli.ts', 'src/health.ts', 'src/http-routes.ts'];
/** Registries: the only files allowed to close an import loop. */
export const REGISTRIES = ['commands/index.ts', 'jobs/index.ts'];

export interface ImportEdge {
  from: string;
  to: string;
  line: number;
  specifier: string;
}

export interface Violation extends ImportEdge {
  rule: string;
}

export interface FolderLoop {
  a: string;
  b: string;
  aToB: number;
  bToA: number;
  registry: boolean;
}

export interface LayerReport {
  files: number;
  imports: ImportEdge[];
  violations: Violation[];
  folderLoops: FolderLoop[];
  fileCycles: string[][];
  /** Imports from queue/, execute/, migrate/, monitor/, tickets/ into src/slack. */
  upIntoSlack: ImportEdge[];
}

/** The unit a file belongs to for loop counting: src/<concern>, commands, jobs; a root file of src/ is its own. */
export function folderOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] !== 'src') return parts[0];
  return parts.length > 2 ? `src/${parts[1]}` : file;
}

export function layerOf(file: string): Layer {
  if (ENTRY_FILES.includes(file)) return 'entry';
  const [top, concern] = file.split('/');
  if (top === 'commands') return 'slack';
  if (top === 'jobs') return 'kinds';
  if (top !== 'src') return 'entry';
  if (!file.slice(4).includes('/')) return 'base'; // errors.ts, logger.ts, metrics.ts, own.ts, closers.ts
  if (concern === 'wiring' || concern === 'dev') return 'entry';
  if (concern === 'slack') return 'slack';
  if (concern === 'requests') return 'requests';
  if (concern === 'tickets' || concern === 'queue') return 'core';
  if (ENGINES.includes(concern)) return 'engines';
  if (BASE.includes(concern)) return 'base';
  return 'entry';
}

/** Why an import from → to breaks the layering, or undefined when it is allowed. */
export function ruleBroken(from: string, to: string): string | undefined {
  const a = layerOf(from);
  const b = layerOf(to);
  if (a === 'entry') return undefined;
  if (b === 'entry') return `${a} must not import wiring/entry points (${folderOf(to)})`;
  if (a === 'kinds' && RANK[b] > RANK[a]) return `jobs/ (kinds) must not import ${b} (${folderOf(to)})`;
  // Slack and requests build a kind's payload; below them, only the registry lists the kinds.
  if (b === 'kinds' && RANK[b] > RANK[a]) {
    if (a === 'core' && to === 'jobs/index.ts') return undefined;
    return `${a} must not import kinds (${to})${a === 'core' ? ': read them through jobs/index.ts' : ''}`;
  }
  if (RANK[b] > RANK[a]) return `${a} must not import ${b} (${folderOf(from)} → ${folderOf(to)})`;
  return undefined;
}

const SPECIFIER = [
  /^[ \t]*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gm, // import … from '…', export … from '…'
  /^[ \t]*import\s*['"]([^'"]+)['"]/gm, // import './side-effect.js'
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, // await import('…')
];

export function importsOf(text: string): { specifier: string; line: number }[] {
  const found: { specifier: string; line: number; at: number }[] = [];
  for (const pattern of SPECIFIER) {
    for (const match of text.matchAll(pattern)) {
      const at = (match.index ?? 0) + match[0].lastIndexOf(match[1]);
      found.push({ specifier: match[1], at, line: text.slice(0, at).split('\n').length });
    }
  }
  const byPosition = new Map(found.map((f) => [f.at, f]));
  return [...byPosition.values()].sort((x, y) => x.at - y.at).map(({ specifier, line }) => ({ specifier, line }));
}

function listTs(root: string, dir: string): string[] {
  const full = join(root, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (name === 'node_modules') return [];
      if (statSync(join(root, path)).isDirectory()) return listTs(root, path);
      return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
    });
}

function resolveSpecifier(root: string, from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = relative(root, resolve(root, dirname(from), specifier));
  const candidates = [target.replace(/\.js$/, '.ts'), `${target}.ts`, join(target, 'index.ts'), target];
  return candidates.find((c) => c.endsWith('.ts') && existsSync(join(root, c)));
}

/** Strongly connected components with more than one file (Tarjan). */
function cycles(nodes: string[], edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return out;
}

export function analyse(root: string): LayerReport {
  const files = ['src', 'commands', 'jobs'].flatMap((dir) => listTs(root, dir));
  const imports: ImportEdge[] = [];
  for (const from of files) {
    for (const { specifier, line } of importsOf(readFileSync(join(root, from), 'utf8'))) {
      const to = resolveSpecifier(root, from, specifier);
      if (to !== undefined && to !== from) imports.push({ from, to, line, specifier });
    }
  }
  const violations = imports.flatMap((edge) => {
    const rule = ruleBroken(edge.from, edge.to);
    return rule === undefined ? [] : [{ ...edge, rule }];
  });

  const between = new Map<string, ImportEdge[]>();
  for (const edge of imports) {
    const key = `${folderOf(edge.from)}→${folderOf(edge.to)}`;
    if (folderOf(edge.from) !== folderOf(edge.to)) between.set(key, [...(between.get(key) ?? []), edge]);
  }
  const folderLoops: FolderLoop[] = [];
  for (const [key, forward] of between) {
    const [a, b] = key.split('→');
    const back = between.get(`${b}→${a}`);
    if (back === undefined || a > b) continue;
    const registry = [...forward, ...back].some((e) => REGISTRIES.includes(e.from) || REGISTRIES.includes(e.to));
    folderLoops.push({ a, b, aToB: forward.length, bToA: back.length, registry });
  }

  const edges = new Map<string, Set<string>>();
  for (const edge of imports) edges.set(edge.from, (edges.get(edge.from) ?? new Set()).add(edge.to));
  const fileCycles = cycles(files, edges);

  const upIntoSlack = imports.filter(
    (e) =>
      ['src/queue', 'src/execute', 'src/migrate', 'src/monitor', 'src/tickets'].includes(folderOf(e.from)) &&
      folderOf(e.to) === 'src/slack',
  );
  return { files: files.length, imports, violations, folderLoops, fileCycles, upIntoSlack };
}

export function summary(report: LayerReport): string {
  const lines = [
    `files: ${report.files}, imports: ${report.imports.length}`,
    `violations: ${report.violations.length}`,
    ...report.violations.map((v) => `  ${v.from}:${v.line} → ${v.to}: ${v.rule}`),
    `folder loops: ${report.folderLoops.length}`,
    ...report.folderLoops.map(
      (l) => `  ${l.a} ↔ ${l.b} ${l.aToB}/${l.bToA}${l.registry ? ' (through a registry)' : ''}`,
    ),
    `file cycles: ${report.fileCycles.length}`,
    ...report.fileCycles.map((c) => `  ${c.join(' ↔ ')}`),
    `imports from queue/execute/migrate/monitor/tickets into src/slack: ${report.upIntoSlack.length}`,
  ];
  return lines.join('\n');
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const root = resolve(process.argv[2] ?? process.cwd());
  console.log(summary(analyse(root)));
}
