/**
 * Answers Slack after the 3-second ack: through the command's response_url when there is one (works in any
 * channel, ephemeral or replacing the pressed message), else the Web API (chat.postEphemeral / chat.postMessage),
 * and files through files.uploadV2 (private ones into the user's DM). A 429 surfaces as SlackRateLimited with the
 * Retry-After seconds so the caller waits exactly that long.
 */
import { webApi } from '@slack/bolt';
import type { SlackMessage, SlackUpload } from './blocks.js';

export class SlackRateLimited extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`slack rate limited; retry after ${retryAfterSeconds}s`);
    this.name = 'SlackRateLimited';
  }
}

export function createSlackClient(botToken: string, slackApiUrl?: string): webApi.WebClient {
  // Rate limits are reported, not slept on inside the client: jobs own the waiting and the retry budget.
  return new webApi.WebClient(botToken, { slackApiUrl: slackApiUrl ?? 'https://slack.com/api/', rejectRateLimitedCalls: true, retryConfig: { retries: 0 }, timeout: 10_000 });
}

export interface SlackTarget {
  channelId: string;
  /** The Slack user id (without the team). */
  userId: string;
  responseUrl?: string;
}

export class SlackResponder {
  constructor(
    private readonly client: webApi.WebClient,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async send(message: SlackMessage, uploads: SlackUpload[], target: SlackTarget): Promise<void> {
    const ephemeral = message.response_type === 'ephemeral';
    if (target.responseUrl) await this.toResponseUrl(target.responseUrl, message);
    else if (ephemeral && !target.channelId.startsWith('D')) await this.guard(() => this.client.chat.postEphemeral({ channel: target.channelId, user: target.userId, text: message.text, blocks: message.blocks as never }));
    else await this.guard(() => this.client.chat.postMessage({ channel: target.channelId, text: message.text, blocks: message.blocks as never }));

    if (uploads.length) {
      // Files cannot be ephemeral: private ones go into the user's direct message with the bot.
      const channel = ephemeral && !target.channelId.startsWith('D') ? await this.directChannel(target.userId) : target.channelId;
      for (const upload of uploads) {
        await this.guard(() => this.client.filesUploadV2({ channel_id: channel, file: upload.data, filename: upload.filename, title: upload.title }));
      }
    }
  }

  /** For notifications: a message in the user's DM with the bot. */
  async sendDirect(userId: string, message: SlackMessage, uploads: SlackUpload[] = []): Promise<void> {
    const channel = await this.directChannel(userId);
    await this.send({ ...message, response_type: 'in_channel' }, uploads, { channelId: channel, userId });
  }

  private async directChannel(userId: string): Promise<string> {
    const opened = await this.guard(() => this.client.conversations.open({ users: userId }));
    return opened.channel!.id!;
  }

  private async toResponseUrl(url: string, message: SlackMessage): Promise<void> {
    const res = await this.fetchImpl(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message), signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    if (res.status === 429) throw new SlackRateLimited(Number(res.headers.get('retry-after') ?? 1));
    if (!res.ok) throw new Error(`response_url answered ${res.status}`);
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const e = err as { code?: string; retryAfter?: number };
      if (e.code === 'slack_webapi_rate_limited_error') throw new SlackRateLimited(e.retryAfter ?? 1);
      throw err;
    }
  }
}
