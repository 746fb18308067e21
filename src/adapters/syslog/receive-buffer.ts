/**
 * @module adapters/syslog/receive-buffer
 * The UDP receive buffer a socket was granted. A burst larger than it, arriving while the receiving thread is not
 * reading, is dropped by the kernel; Linux grants at most `net.core.rmem_max` (212,992 bytes on many systems) to
 * what a program asks with SO_RCVBUF, silently, so the daemon says when it got less than it asked for.
 */

/**
 * The bytes granted, from what SO_RCVBUF reports: Linux reports twice what it grants (the other half is its own
 * bookkeeping, socket(7)); other systems report what they grant.
 */
export function grantedReceiveBuffer(reported: number, platform: NodeJS.Platform = process.platform): number {
  return platform === 'linux' ? Math.floor(reported / 2) : reported;
}
