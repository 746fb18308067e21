/**
 * @module app/daemon/api-advice
 * The fix to log with a failing CMS API poll, by error code: the daemon goes on without API counts, so the log line
 * must say what to change (docs/configuration.md, callbridges[].api).
 */

/** True when the URL's path does not end in /api/v1: every request then answers 404. */
export function lacksApiV1(url: string): boolean {
  try {
    return !/\/api\/v1\/?$/.test(new URL(url).pathname);
  } catch {
    return false;
  }
}

export function apiFix(code: string, url: string): string {
  switch (code) {
    case 'WBGUARD_ERR_API_NOT_FOUND':
      return lacksApiV1(url)
        ? `the URL has no /api/v1: set callbridges[].api.url to ${url.replace(/\/+$/, '')}/api/v1`
        : 'check callbridges[].api.url: the Web Admin address and port, ending in /api/v1';
    case 'WBGUARD_ERR_API_AUTH':
      return 'check callbridges[].api.username and its password: an API user of the Web Admin';
    case 'WBGUARD_ERR_API_FORBIDDEN':
      return 'give the user of callbridges[].api.username the api role';
    case 'WBGUARD_ERR_API_TLS':
      return 'give callbridges[].api.ca (the CA of the Web Admin certificate)';
    case 'WBGUARD_ERR_API_TIMEOUT':
    case 'WBGUARD_ERR_API_CONNECT':
      return 'check the host and port of callbridges[].api.url (the Web Admin) and the firewall between';
    default:
      return 'the CMS API failed on its side; the poll is retried';
  }
}
