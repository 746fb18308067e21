/**
 * @module app/analyze/versions
 * `analyze --config`: what CMS version each Call Bridge with a CMS API runs, and what it means for the leak
 * (affected, Web Bridge 3 available), with the API's count of real CMA legs now beside what the logs said. Read-only
 * GETs (`/system/status`, the call legs) with a short timeout; a node
 * without an API, or one that does not answer, is listed as unknown with the reason.
 */
import { readFileSync } from 'node:fs';
import { createCmsApiClient } from '../../adapters/cms-api/client.js';
import { judgeCmsVersion, type VersionVerdict } from '../../core/cms-version.js';
import { printable } from '../../core/text/printable.js';
import { loadConfig, resolveSecret } from '../config/index.js';

export type NodeVersion =
  | ({
      readonly name: string;
      /** Real CMA legs the API counts now (beside what the logs said): null when the count failed. */
      readonly apiCmaLegsNow: number | null;
    } & VersionVerdict)
  | { readonly name: string; readonly version: null; readonly reason: string };

export async function readVersions(
  configPath: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 5000,
): Promise<NodeVersion[]> {
  // Only the API passwords are needed: the other secrets (MMP…) stay unresolved.
  const config = await loadConfig(configPath, { env, resolveSecrets: false });
  return Promise.all(
    config.callbridges.map(async (cb, i): Promise<NodeVersion> => {
      if (!cb.api) {
        return { name: cb.name, version: null, reason: 'no callbridges[].api configured' };
      }
      let client: ReturnType<typeof createCmsApiClient> | undefined;
      try {
        const password = resolveSecret(cb.api.password, `callbridges.${i}.api.password`, env);
        client = createCmsApiClient({
          url: cb.api.url,
          username: cb.api.username,
          password: () => password.reveal(),
          ...(cb.api.ca ? { ca: readFileSync(cb.api.ca, 'utf8') } : {}),
          insecure: cb.api.insecure,
          timeoutMs,
          retries: 0,
        });
        const status = await client.systemStatus();
        const verdict = judgeCmsVersion(status.softwareVersion);
        const legs = await client.countCallLegs().catch(() => undefined);
        return verdict
          ? { name: cb.name, ...verdict, apiCmaLegsNow: legs ? legs.acano : null }
          : { name: cb.name, version: null, reason: `unrecognised version "${status.softwareVersion}"` };
      } catch (err) {
        const e = err as { code?: string; message: string };
        return { name: cb.name, version: null, reason: `${e.code ?? 'error'}: ${e.message}` };
      } finally {
        await client?.close().catch(() => undefined);
      }
    }),
  );
}

export function versionLines(versions: readonly NodeVersion[]): string {
  if (versions.length === 0) {
    return '';
  }
  const lines = versions.map((v) =>
    v.version === null
      ? `${v.name}: CMS version unknown (${v.reason})`
      : `${v.name}: CMS ${v.version}: ${v.advice}; now ${v.apiCmaLegsNow ?? '?'} real CMA legs by the API`,
  );
  return `\nCMS versions (CMS API):\n${lines.map((l) => `  ${printable(l)}`).join('\n')}\n`;
}
