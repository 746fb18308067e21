/**
 * @module app/alerts/channels
 * The configured alert channels (`alerts:`), built with their secrets taken by reference at send time.
 */
import { readFileSync } from 'node:fs';
import type { AlertChannel } from '../../adapters/alerts/channel.js';
import { httpChannel } from '../../adapters/alerts/http-channel.js';
import { smtpChannel } from '../../adapters/alerts/smtp-channel.js';
import type { WbguardConfig } from '../config/index.js';

function channelName(a: WbguardConfig['alerts'][number], index: number): string {
  return a.name ?? `${a.type}#${index}`;
}

export function channelsOf(config: WbguardConfig): AlertChannel[] {
  return config.alerts.map((a, i) => {
    const name = channelName(a, i);
    if (a.type === 'email') {
      const password = config.secrets.get(`alerts.${i}.password`);
      return smtpChannel({
        name,
        host: a.host,
        port: a.port,
        starttls: a.starttls,
        user: a.user,
        password: password ? () => password.reveal() : undefined,
        from: a.from,
        to: a.to,
        ca: a.ca ? readFileSync(a.ca, 'utf8') : undefined,
      });
    }
    const url = config.secrets.get(`alerts.${i}.url`);
    return httpChannel({
      name,
      type: a.type,
      url: () => {
        if (!url) {
          throw new Error(`alerts.${i}.url has no value`);
        }
        return url.reveal();
      },
    });
  });
}
