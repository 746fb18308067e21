/**
 * @module app/http/dashboard-assets
 * The dashboard's files, all from the package (no CDN, no request to anywhere else): the page, its script and
 * style from `assets/dashboard/`, uPlot from its npm package. Served from a fixed list read once at start, so no
 * request path ever reaches the file system (nothing to traverse).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

/** The package's `assets/dashboard` folder, from src/ (tsx) or dist/src/ (installed) alike. */
function dashboardDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'assets', 'dashboard');
    if (existsSync(join(candidate, 'index.html'))) {
      return candidate;
    }
    dir = dirname(dir);
  }
  throw new Error('the dashboard files (assets/dashboard) are missing from the installation');
}

let cache: ReadonlyMap<string, Asset> | undefined;

/** URL path → file, e.g. `/` → index.html, `/assets/uPlot.iife.min.js` → uPlot's build. */
export function dashboardAssets(): ReadonlyMap<string, Asset> {
  if (cache) {
    return cache;
  }
  const dir = dashboardDir();
  const require = createRequire(import.meta.url);
  const files: Array<[string, string, string]> = [
    ['/', join(dir, 'index.html'), 'text/html; charset=utf-8'],
    ['/assets/app.js', join(dir, 'app.js'), 'text/javascript; charset=utf-8'],
    ['/assets/style.css', join(dir, 'style.css'), 'text/css; charset=utf-8'],
    ['/assets/uPlot.iife.min.js', require.resolve('uplot/dist/uPlot.iife.min.js'), 'text/javascript; charset=utf-8'],
    ['/assets/uPlot.min.css', require.resolve('uplot/dist/uPlot.min.css'), 'text/css; charset=utf-8'],
  ];
  cache = new Map(files.map(([path, file, type]) => [path, { body: readFileSync(file), type }]));
  return cache;
}

/** No inline script or style, nothing from elsewhere: the page can only talk to the daemon that served it. */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
