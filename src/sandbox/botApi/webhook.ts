import type { Update } from 'grammy/types';
import type { World } from './world.ts';

export interface WebhookDeliveryOptions {
  /** Where the load balancer forwards each POST, in turn: the bot instances' webhook servers (http on loopback). */
  targets: readonly string[];
  /**
   * By default a chat's next update waits for the answer to its previous one. False sends each at once, as
   * Telegram may over several connections, or after an instance answered before it had finished (grammY, 10 s).
   */
  inOrderPerChat?: boolean;
}

const RETRY_DELAY_MS = 100;
const MAX_ATTEMPTS = 50;

function chatOf(update: Update): string {
  const chat = update.message?.chat.id ?? update.callback_query?.message?.chat.id ?? update.my_chat_member?.chat.id;
  return String(chat ?? update.callback_query?.from.id ?? 'none');
}

/**
 * Telegram's side of a webhook behind a load balancer: every update is POSTed with the secret token set by
 * setWebhook, to the next target in turn; a failed POST is sent again (to the next target), as Telegram retries.
 */
export class WebhookDelivery {
  readonly #world: World;
  readonly #options: WebhookDeliveryOptions;
  readonly #chains = new Map<string, Promise<void>>();
  #next = 0;
  /** Updates that every attempt failed to deliver. */
  readonly undelivered: Update[] = [];
  #answersToLose = 0;

  constructor(world: World, options: WebhookDeliveryOptions) {
    if (options.targets.length === 0) throw new Error('WebhookDelivery needs at least one target');
    this.#world = world;
    this.#options = options;
  }

  /**
   * The bot's next answer never reaches Telegram (the instance died as it answered, or the connection broke):
   * Telegram counts that delivery as failed and sends the same update again, as it does for any answer it lacks.
   */
  loseNextAnswer(): void {
    this.#answersToLose += 1;
  }

  /** Sends every queued update, once a webhook is set. */
  pump(): void {
    if (!this.#world.webhook) return;
    for (const update of this.#world.updates.takeAll()) {
      this.#world.inFlight += 1;
      const key = chatOf(update);
      const previous = this.#options.inOrderPerChat === false ? Promise.resolve() : (this.#chains.get(key) ?? Promise.resolve());
      const delivered = previous.then(() => this.#deliver(update)).finally(() => {
        this.#world.inFlight -= 1;
        this.#world.lastCallTime = Date.now();
        this.#world.changed();
      });
      this.#chains.set(key, delivered);
    }
  }

  async #deliver(update: Update): Promise<void> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const target = this.#options.targets[this.#next++ % this.#options.targets.length] ?? '';
      const secret = this.#world.webhookSecret;
      const status = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
        body: JSON.stringify(update),
      }).then(
        (response) => response.status,
        () => 0,
      );
      const answered = status >= 200 && status < 300;
      if (answered && this.#answersToLose === 0) return;
      if (answered) this.#answersToLose -= 1;
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
    }
    this.undelivered.push(update);
  }
}
