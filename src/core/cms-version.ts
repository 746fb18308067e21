/**
 * @module core/cms-version
 * What a CMS version means for bug CSCvt73723 (tech note 215662, docs/cms-facts.md §6): Web Bridge 2 on 2.x leaks;
 * Web Bridge 3 (the real fix: it does not leak) exists from 2.9; 3.0 removed Web Bridge 2 altogether.
 */
export interface VersionVerdict {
  readonly version: string;
  /** Web Bridge 2 runs on this version, so it can leak. */
  readonly affected: boolean;
  /** Web Bridge 3 can be used instead (2.9 and later). */
  readonly webBridge3Available: boolean;
  readonly advice: string;
}

export function judgeCmsVersion(version: string): VersionVerdict | undefined {
  const m = /^(\d+)\.(\d+)/.exec(version.trim());
  if (!m) {
    return undefined;
  }
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major >= 3) {
    return {
      version,
      affected: false,
      webBridge3Available: true,
      advice: 'CMS 3.0 and later have no Web Bridge 2: not affected by CSCvt73723',
    };
  }
  const wb3 = major === 2 && minor >= 9;
  return {
    version,
    affected: major === 2,
    webBridge3Available: wb3,
    advice: wb3
      ? 'affected while Web Bridge 2 is used; Web Bridge 3 is available on this version and does not leak (the real fix)'
      : 'affected: Web Bridge 2 leaks and will not be fixed; upgrading to 2.9+ allows Web Bridge 3',
  };
}
