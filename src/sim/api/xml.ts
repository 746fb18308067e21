/**
 * @module sim/api/xml
 * The CMS API's XML, in the shapes of docs/cms-facts.md §5 (list wrappers with `total`, `<failureDetails>` errors).
 */
import type { SimCall, SimCallLeg, SimNode } from '../types.js';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const DECL = '<?xml version="1.0"?>';

export function systemStatusXml(node: SimNode, now: number): string {
  const s = node.callBridgeStatus();
  return `${DECL}<status><softwareVersion>${esc(node.softwareVersion)}</softwareVersion><uptimeSeconds>${node.uptimeSeconds()}</uptimeSeconds><cdrTime>${new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z')}</cdrTime><activated>true</activated><clusterEnabled>true</clusterEnabled><cdrCorrelatorIndex>${s.callLegsCompleted}</cdrCorrelatorIndex><callLegsActive>${s.callLegsActive}</callLegsActive><callLegsMaxActive>${s.callLegsMaxActive}</callLegsMaxActive><callLegsCompleted>${s.callLegsCompleted}</callLegsCompleted><audioBitRateOutgoing>${s.callLegsActive * 64000}</audioBitRateOutgoing><audioBitRateIncoming>${s.callLegsActive * 64000}</audioBitRateIncoming><videoBitRateOutgoing>${s.callLegsActive * 1200000}</videoBitRateOutgoing><videoBitRateIncoming>${s.callLegsActive * 1100000}</videoBitRateIncoming></status>`;
}

export function callLegsXml(legs: readonly SimCallLeg[], total: number): string {
  const items = legs
    .map(
      (l) =>
        `<callLeg id="${esc(l.id)}"><name>${esc(l.name)}</name><remoteParty>${esc(l.remoteParty)}</remoteParty><call>${esc(l.callId)}</call></callLeg>`,
    )
    .join('');
  return `${DECL}<callLegs total="${total}">${items}</callLegs>`;
}

export function callLegXml(l: SimCallLeg): string {
  const sub = l.subType ? `<subType>${l.subType}</subType>` : '';
  return `${DECL}<callLeg id="${esc(l.id)}"><name>${esc(l.name)}</name><remoteParty>${esc(l.remoteParty)}</remoteParty><call>${esc(l.callId)}</call><type>${l.type}</type>${sub}<direction>incoming</direction><configuration></configuration><status><state>connected</state><durationSeconds>${l.durationSeconds}</durationSeconds><direction>incoming</direction><encryptedMedia>true</encryptedMedia><unencryptedMedia>false</unencryptedMedia>${l.guestConnection ? '<guestConnection>true</guestConnection>' : ''}</status></callLeg>`;
}

export function callsXml(calls: readonly SimCall[], total: number): string {
  return `${DECL}<calls total="${total}">${calls.map((c) => `<call id="${esc(c.id)}"><name>${esc(c.name)}</name></call>`).join('')}</calls>`;
}

export function callXml(c: SimCall): string {
  return `${DECL}<call id="${esc(c.id)}"><name>${esc(c.name)}</name><numCallLegs>${c.numCallLegs}</numCallLegs><maxCallLegs>${c.numCallLegs}</maxCallLegs><locked>false</locked></call>`;
}

export function failureXml(what: string): string {
  return `${DECL}<failureDetails><${what} /></failureDetails>`;
}
