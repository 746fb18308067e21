/**
 * @module core/alerts/message
 * What a notice says, in the shapes channels take: a title, plain text, Markdown (Webex, Slack) and a JSON body
 * (generic webhook). Only names, numbers and instants go in: never a secret, never a URL of a channel. Names and
 * texts may come from logs or the CMS (a host name, an error message): their control characters are shown escaped
 * (core/text/printable.ts), so a notice can neither forge an e-mail header nor drive a terminal it is read in.
 */
import { printable } from '../text/printable.js';
import type { AlertCondition } from './conditions.js';
import type { AlertNotice } from './dedupe.js';

const VERB: Record<AlertNotice['kind'], string> = {
  firing: 'ALERT',
  repeat: 'STILL',
  recovered: 'RECOVERED',
  event: 'EVENT',
};

/** The condition's texts and facts, each made printable (the event is one of wbguard's own names). */
function shown(c: AlertCondition): AlertCondition {
  const facts: Record<string, AlertCondition['facts'][string]> = {};
  for (const [k, v] of Object.entries(c.facts)) {
    facts[printable(k)] = typeof v === 'string' ? printable(v) : v;
  }
  return {
    ...c,
    cluster: printable(c.cluster),
    subject: printable(c.subject),
    key: printable(c.key),
    summary: printable(c.summary),
    facts,
  };
}

export function noticeTitle(n: AlertNotice): string {
  const c = shown(n.condition);
  return `[wbguard ${VERB[n.kind]}] ${c.cluster}: ${c.event} ${c.subject}`;
}

function sinceText(n: AlertNotice): string {
  const minutes = Math.round((n.at - n.since) / 60_000);
  return n.kind === 'repeat' || n.kind === 'recovered'
    ? ` (since ${new Date(n.since).toISOString()}, ${minutes} min)`
    : '';
}

export function noticeText(n: AlertNotice): string {
  const c = shown(n.condition);
  const head = n.kind === 'recovered' ? `Recovered: ${c.summary}` : c.summary;
  const facts = Object.entries(c.facts)
    .map(([k, v]) => `${k}=${v === null ? '-' : String(v)}`)
    .join(' ');
  return `${noticeTitle(n)}\n${head}${sinceText(n)}\n${facts}\nat ${new Date(n.at).toISOString()}`;
}

export function noticeMarkdown(n: AlertNotice): string {
  const c = shown(n.condition);
  const head = n.kind === 'recovered' ? `✅ **Recovered** — ${c.summary}` : `**${VERB[n.kind]}** — ${c.summary}`;
  const facts = Object.entries(c.facts)
    .map(([k, v]) => `\`${k}\` ${v === null ? '-' : String(v)}`)
    .join(' · ');
  return `**wbguard · ${c.cluster} · ${c.event} · ${c.subject}**\n${head}${sinceText(n)}\n${facts}`;
}

/** The generic webhook's JSON body: a contract for people's receivers, add fields, never rename. */
export function noticeJson(n: AlertNotice): Record<string, unknown> {
  const c = shown(n.condition);
  return {
    source: 'wbguard',
    status: n.kind,
    event: c.event,
    cluster: c.cluster,
    subject: c.subject,
    severity: c.severity,
    key: c.key,
    summary: c.summary,
    facts: c.facts,
    since: new Date(n.since).toISOString(),
    at: new Date(n.at).toISOString(),
  };
}
