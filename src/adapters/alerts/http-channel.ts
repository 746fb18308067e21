/**
 * @module adapters/alerts/http-channel
 * Webhook-style channels over HTTPS with undici: a generic JSON webhook (one POST per notice, the body of
 * core/alerts/message.noticeJson), Webex incoming webhooks (`{"markdown": …}`) and Slack-compatible ones
 * (`{"text": …}`), one message per check. No redirect is followed: a webhook that redirects is misconfigured.
 */
import { request } from 'undici';
import { type AlertNotice, noticeJson, noticeMarkdown } from '../../core/alerts/index.js';
import { type AlertChannel, AlertDeliveryError, errorCode } from './channel.js';

export interface HttpChannelOptions {
  readonly name: string;
  readonly type: 'webhook' | 'webex' | 'slack';
  /** Revealed only when a request is made. */
  readonly url: () => string;
  /** @default 10000 */
  readonly timeoutMs?: number;
}

function bodiesFor(type: HttpChannelOptions['type'], notices: readonly AlertNotice[]): unknown[] {
  if (type === 'webhook') {
    return notices.map(noticeJson);
  }
  const markdown = notices.map(noticeMarkdown).join('\n\n');
  return [type === 'webex' ? { markdown } : { text: markdown, mrkdwn: true }];
}

export function httpChannel(options: HttpChannelOptions): AlertChannel {
  const timeout = options.timeoutMs ?? 10_000;
  return {
    name: options.name,
    type: options.type,
    async send(notices) {
      for (const body of bodiesFor(options.type, notices)) {
        let status: number;
        try {
          const res = await request(options.url(), {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'user-agent': 'wbguard' },
            body: JSON.stringify(body),
            headersTimeout: timeout,
            bodyTimeout: timeout,
          });
          status = res.statusCode;
          await res.body.dump();
        } catch (err) {
          throw new AlertDeliveryError(options.name, `request failed (${errorCode(err)})`);
        }
        if (status < 200 || status >= 300) {
          throw new AlertDeliveryError(options.name, `the receiver answered HTTP ${status}`);
        }
      }
    },
    async close() {},
  };
}
