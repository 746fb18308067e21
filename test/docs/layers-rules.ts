/**
 * The layers of src/ and what each may import (docs/architecture.md): core imports only core (no package, no Node
 * module: it is pure); ports import core, ports and the error classes (no package: they are interfaces); an
 * adapter (`src/adapters/<tech>`) never imports the app, the simulator nor another adapter; the simulator imports
 * none of the product's logic (a logger type and the error classes are allowed). Imports are read from the text:
 * `from '…'`, `import('…')`, `import '…'` and worker files given as `new URL('…', import.meta.url)`; type-only
 * imports count too (they couple the layers just the same).
 */
import { dirname, posix } from 'node:path';

export type Layer =
  | { kind: 'core' }
  | { kind: 'ports'; file: string }
  | { kind: 'adapter'; tech: string }
  | { kind: 'app' }
  | { kind: 'sim' }
  | { kind: 'root'; file: string }
  | { kind: 'package'; name: string };

/** The layer of a file under src/ (posix path from the repository root), or of a package specifier. */
export function layerOf(target: string): Layer {
  const parts = target.split('/');
  if (parts[0] !== 'src') {
    return { kind: 'package', name: target };
  }
  switch (parts[1]) {
    case 'core':
      return { kind: 'core' };
    case 'ports':
      return { kind: 'ports', file: target };
    case 'adapters':
      return { kind: 'adapter', tech: parts[2] ?? '' };
    case 'app':
      return { kind: 'app' };
    case 'sim':
      return { kind: 'sim' };
    default:
      return { kind: 'root', file: target };
  }
}

/** What the simulator may take from the product: types and classes that carry no behaviour of the guard. */
const SIM_MAY_IMPORT = new Set(['src/ports/logger.ts', 'src/errors.ts']);

/** Why `from` may not import `to` (both: src paths, or a package specifier for `to`), or undefined when it may. */
export function forbidden(from: string, to: string): string | undefined {
  const a = layerOf(from);
  const b = layerOf(to);
  if (a.kind === 'core' && b.kind !== 'core') {
    return 'core imports only core (it is pure: no package, no Node module, no other layer)';
  }
  if (
    a.kind === 'ports' &&
    b.kind !== 'core' &&
    b.kind !== 'ports' &&
    !(b.kind === 'root' && b.file === 'src/errors.ts')
  ) {
    return 'a port names core types and other ports only';
  }
  if (a.kind === 'adapter') {
    if (b.kind === 'app' || b.kind === 'sim') {
      return `an adapter never imports the ${b.kind}`;
    }
    if (b.kind === 'adapter' && b.tech !== a.tech) {
      return `an adapter never imports another adapter (${a.tech} → ${b.tech})`;
    }
  }
  if (a.kind === 'sim' && b.kind !== 'sim' && b.kind !== 'package' && !SIM_MAY_IMPORT.has(to)) {
    return "the simulator imports none of the product's logic (only the logger type and the error classes)";
  }
  return undefined;
}

/** Specifiers imported by a TypeScript source text (comments ignored). */
export function importsOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found = [
    ...code.matchAll(/\bfrom\s*'([^']+)'/g),
    ...code.matchAll(/\bimport\s*\(\s*'([^']+)'\s*\)/g),
    ...code.matchAll(/^\s*import\s*'([^']+)'/gm),
    ...code.matchAll(/new URL\(\s*'(\.[^']+)'\s*,\s*import\.meta\.url\s*\)/g),
  ];
  return found.map((m) => m[1] as string);
}

/** A specifier seen from `file` (a src path), as a src path (`.js` read as the `.ts` source) or a package name. */
export function resolveImport(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) {
    return specifier;
  }
  return posix.normalize(posix.join(dirname(file), specifier)).replace(/\.js$/, '.ts');
}

export interface Violation {
  readonly from: string;
  readonly to: string;
  readonly why: string;
}

/** Every forbidden edge of an import graph: file → the specifiers it imports. */
export function violations(graph: ReadonlyMap<string, readonly string[]>): Violation[] {
  const out: Violation[] = [];
  for (const [from, specifiers] of graph) {
    for (const specifier of specifiers) {
      const to = resolveImport(from, specifier);
      const why = forbidden(from, to);
      if (why) {
        out.push({ from, to, why });
      }
    }
  }
  return out;
}
