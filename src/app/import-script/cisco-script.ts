/**
 * @module app/import-script/cisco-script
 * Reads the inventory of Cisco's restart script (tech note 215662) without running it: the
 * `webbridges = {1: "10.0.0.1", 2: "10.0.0.2"}` dict (or a list of addresses), `mmp_username = "admin"`, a literal
 * SSH port and the restart command when they differ from the defaults, and where it writes its log. That the script
 * holds a password is noted; the password itself is never read into a variable, so it cannot be copied or printed.
 */
import { checkHostPort, formatHostPort } from '../config/host-port.js';
import { assignment, bracketed, splitTopLevel, stringLiteral, stripComments } from './python-source.js';

export interface CiscoWebBridge {
  /** The dict key (`1`, `"cms3"`), or the list position from 1. */
  readonly key: string;
  /** As written in the script: an address or a host name, maybe with a port. */
  readonly host: string;
}

export interface CiscoInventory {
  readonly webbridges: readonly CiscoWebBridge[];
  /** `mmp_username`, when the script sets it to a literal. */
  readonly username: string | undefined;
  /** The script has a password in it (`mmp_password = …` or `password=` in the connect call). */
  readonly hasPassword: boolean;
  /** A literal SSH port the script connects to, when not 22. */
  readonly port: number | undefined;
  /** The command it runs, when it is a literal other than `webbridge restart`. */
  readonly restartCommand: string | undefined;
  /** The file it appends its log lines to, when a literal. */
  readonly logFile: string | undefined;
}

export interface CiscoScriptProblems {
  /** What could not be found or read, in words. */
  readonly missing: string[];
}

const INVENTORY = 'the webbridges = {1: "10.0.0.1", ...} inventory';

/** Returns the inventory, or the list of what could not be found. */
export function parseCiscoScript(text: string): CiscoInventory | CiscoScriptProblems {
  const code = stripComments(text);
  const missing: string[] = [];
  const at = assignment(code, 'webbridges');
  const open = at < 0 ? -1 : code.slice(at).search(/\S/) + at;
  const opener = open >= 0 ? code[open] : undefined;
  const body = opener === '{' || opener === '[' ? bracketed(code, open) : undefined;
  const webbridges: CiscoWebBridge[] = [];
  if (body === undefined) {
    missing.push(at < 0 ? INVENTORY : `${INVENTORY}: webbridges = is not followed by a complete { } or [ ]`);
  } else {
    splitTopLevel(body).forEach((entry, i) => {
      const colon = opener === '{' ? topLevelColon(entry) : -1;
      const key = colon < 0 ? String(i + 1) : keyOf(entry.slice(0, colon));
      const host = stringLiteral(colon < 0 ? entry : entry.slice(colon + 1))?.trim();
      if (host === undefined || (opener === '{' && colon < 0)) {
        missing.push(`webbridges entry ${i + 1}: a quoted address (key: "10.0.0.1")`);
      } else if (!checkHostPort(bracketIPv6(host), 22).ok) {
        missing.push(`webbridges entry ${key}: a host name or address (found ${JSON.stringify(host)})`);
      } else {
        webbridges.push({ key, host });
      }
    });
    if (webbridges.length === 0 && missing.length === 0) {
      missing.push(`${INVENTORY}: it is empty`);
    }
  }
  if (missing.length > 0) {
    return { missing };
  }
  const literal = (name: string): string | undefined => {
    const i = assignment(code, name);
    return i < 0 ? undefined : stringLiteral(/^[^\n]*/.exec(code.slice(i))?.[0] ?? '');
  };
  const portText =
    /^[ \t]*(?:mmp_)?port[ \t]*=[ \t]*(\d+)[ \t]*$/m.exec(code)?.[1] ?? /\bport\s*=\s*(\d+)/.exec(code)?.[1];
  const port = portText === undefined ? undefined : Number(portText);
  const command = /exec_command\(\s*[rRuU]?(["'])([^"'\n]+)\1/.exec(code)?.[2];
  return {
    webbridges,
    username: literal('mmp_username') ?? literal('mmp_user'),
    // Only the fact is kept: the value is never captured.
    hasPassword: /^[ \t]*mmp_password[ \t]*=/m.test(code) || /\bpassword\s*=\s*\S/.test(code),
    port: port !== undefined && port !== 22 && port >= 1 && port <= 65535 ? port : undefined,
    restartCommand: command !== undefined && command.trim() !== 'webbridge restart' ? command.trim() : undefined,
    // The file named in open(...), else any file name literal that looks like a log (it may sit in a variable).
    logFile:
      /open\(\s*[rRuU]?(["'])([^"'\n]*log[^"'\n]*)\1/.exec(code)?.[2] ??
      /[rRuU]?(["'])([^"'\n]*log[^"'\n]*\.(?:txt|log))\1/.exec(code)?.[2],
  };
}

function topLevelColon(entry: string): number {
  const key = /^\s*(?:[rRuU]?(["'])(?:\\.|(?!\1).)*\1|[^'":]+)\s*:/.exec(entry);
  return key ? key[0].length - 1 : -1;
}

function keyOf(token: string): string {
  return stringLiteral(token) ?? token.trim();
}

/** `2001:db8::1` as Python scripts write it → `[2001:db8::1]`, so it reads as host[:port]. */
function bracketIPv6(host: string): string {
  return host.split(':').length > 2 && !host.startsWith('[') ? `[${host}]` : host;
}

/** The `mmp` value for a script's host: the host with the script's port, else with its own, else 22. */
export function mmpAddress(host: string, port: number | undefined): string {
  const r = checkHostPort(bracketIPv6(host), port ?? 22);
  if (!r.ok) {
    throw new TypeError(`not a host: ${r.problem}`);
  }
  return formatHostPort(r.value);
}
