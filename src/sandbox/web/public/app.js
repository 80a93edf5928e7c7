import { formatClock, renderItem } from './render.js';

const panes = new Map();
const status = { resetting: false, clockOffsetMs: 0, notice: null };

async function post(path, body, contentType = 'application/json') {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'x-sandbox': '1', 'content-type': contentType },
    body: contentType === 'application/json' ? JSON.stringify(body ?? {}) : body,
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error ?? `The sandbox answered ${response.status}`);
  return data;
}

function describeDuration(ms) {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 1440) return `${Math.round((minutes / 60) * 10) / 10} h`;
  return `${Math.round((minutes / 1440) * 10) / 10} days`;
}

/** One chat on the page: its messages, keyboard and composer, for the person who types in it. */
class PaneController {
  constructor(view) {
    const template = document.getElementById('pane-template');
    this.root = template.content.firstElementChild.cloneNode(true);
    this.root.dataset.pane = view.key;
    this.key = view.key;
    this.group = view.key === 'admin';
    this.rendered = new Map();
    this.replyTo = null;
    this.appliedForceReply = null;
    this.$ = (selector) => this.root.querySelector(selector);
    this.messages = this.$('.messages');
    this.input = this.$('.text-input');
    this.handlers = {
      tap: (item, row, column, button, node) => this.tap(item, row, column, button, node),
      command: (command) => this.act('send', { text: command }),
      reply: (item) => this.setReply(item.id, item.sender),
      copy: (text) => navigator.clipboard?.writeText(text).then(() => this.toast('Copied.'), () => this.toast(text)),
    };
    this.$('.composer').addEventListener('submit', (event) => {
      event.preventDefault();
      this.sendTyped();
    });
    this.$('.contact-button').addEventListener('click', () => this.act('contact', {}));
    this.$('.file-input').addEventListener('change', (event) => this.upload(event.target));
    this.$('.reply-cancel').addEventListener('click', () => this.setReply(null));
    this.$('.menu-button').addEventListener('click', () => (this.$('.commands').hidden = !this.$('.commands').hidden));
    this.$('.alert-ok').addEventListener('click', () => (this.$('.alert').hidden = true));
    this.update(view);
  }

  async act(action, body) {
    const replied = this.replyTo;
    try {
      const result = await post(`/api/panes/${this.key}/${action}`, body);
      this.replyDone(replied);
      return result;
    } catch (error) {
      this.toast(error.message);
      return null;
    }
  }

  async sendTyped() {
    const text = this.input.value.trim();
    if (text === '') return;
    const sent = await this.act('send', { text, replyTo: this.replyTo?.id ?? null });
    if (sent) this.input.value = '';
  }

  async tap(item, row, column, button, node) {
    node.classList.add('pending');
    try {
      const { answer } = await post(`/api/panes/${this.key}/tap`, { messageId: item.id, row, column, text: button.text });
      if (answer?.text) {
        if (answer.show_alert) this.alert(answer.text);
        else this.toast(answer.text);
      } else if (!answer) this.toast('The bot did not answer this tap.');
    } catch (error) {
      this.toast(error.message);
    } finally {
      node.classList.remove('pending');
    }
  }

  async upload(input) {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const query = new URLSearchParams({ name: file.name });
    const replied = this.replyTo;
    if (replied) query.set('replyTo', String(replied.id));
    try {
      await post(`/api/panes/${this.key}/upload?${query}`, file, file.type || 'application/octet-stream');
      this.replyDone(replied);
    } catch (error) {
      this.toast(error.message);
    }
  }

  /** The message went out: its reply is done, unless the bot's next forced question already took the composer. */
  replyDone(replied) {
    if (this.replyTo === replied) this.setReply(null);
  }

  setReply(id, sender) {
    this.replyTo = id === null ? null : { id, sender };
    const bar = this.$('.reply-bar');
    bar.hidden = this.replyTo === null;
    this.$('.reply-label').textContent = this.replyTo ? `Replying to ${sender}` : '';
  }

  toast(text) {
    const toast = this.$('.toast');
    toast.textContent = text;
    toast.hidden = false;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => (toast.hidden = true), 3500);
  }

  /** The bot's show_alert answer, inside the pane (never window.alert). */
  alert(text) {
    this.$('.alert-text').textContent = text;
    this.$('.alert').hidden = false;
  }

  update(view) {
    this.$('.pane-title').textContent = view.title;
    this.$('.pane-subtitle').textContent = view.subtitle;
    this.$('.avatar').textContent = [...view.title][0] ?? '?';
    this.renderItems(view.items);
    this.renderKeyboard(view.keyboard);
    this.renderPrompts(view.prompts ?? []);
    this.renderCommands(view.commands);
    const force = view.forceReply;
    if (force && force.messageId !== this.appliedForceReply) {
      this.setReply(force.messageId, 'the bot');
      this.input.focus({ preventScroll: true });
    }
    this.appliedForceReply = force?.messageId ?? null;
    this.input.placeholder = force?.placeholder ?? view.keyboard?.placeholder ?? 'Message';
  }

  renderItems(items) {
    const atBottom = this.messages.scrollHeight - this.messages.scrollTop - this.messages.clientHeight < 80;
    const next = new Map();
    let previous = null;
    for (const item of items) {
      const known = this.rendered.get(item.id);
      const node = known && known.key === item.key ? known.node : renderItem(item, { group: this.group }, this.handlers);
      if (known && known.node !== node) known.node.remove();
      next.set(item.id, { key: item.key, node });
      const wanted = previous ? previous.nextSibling : this.messages.firstChild;
      if (wanted !== node) this.messages.insertBefore(node, wanted);
      previous = node;
    }
    for (const [id, known] of this.rendered) if (!next.has(id)) known.node.remove();
    this.rendered = next;
    if (atBottom) this.messages.scrollTop = this.messages.scrollHeight;
  }

  renderKeyboard(keyboard) {
    const area = this.$('.keyboard');
    area.replaceChildren();
    area.hidden = !keyboard;
    for (const row of keyboard?.rows ?? []) {
      const line = document.createElement('div');
      line.className = 'keyboard-row';
      for (const button of row) {
        const node = document.createElement('button');
        node.type = 'button';
        node.className = 'keyboard-button';
        node.textContent = button.text;
        node.addEventListener('click', () => (button.contact ? this.act('contact', {}) : this.act('keyboard', { text: button.text })));
        line.append(node);
      }
      area.append(line);
    }
  }

  /** Mobile-money prompts on this person's phone (the fake Paystack): approve or decline, or the SMS code to type; in the admin pane, pending transfers. */
  renderPrompts(prompts) {
    const area = this.$('.prompts');
    area.replaceChildren();
    area.hidden = prompts.length === 0;
    for (const prompt of prompts) {
      const box = document.createElement('div');
      box.className = 'prompt';
      const text = document.createElement('span');
      text.textContent = prompt.otp ?? prompt.text;
      box.append(text);
      if (prompt.canAnswer) {
        const buttons = document.createElement('div');
        buttons.className = 'prompt-buttons';
        for (const [label, approve] of [[prompt.approveLabel, true], [prompt.declineLabel, false]]) {
          const button = document.createElement('button');
          button.type = 'button';
          button.textContent = label;
          button.addEventListener('click', () => post(`/api/panes/${this.key}/prompt`, { reference: prompt.reference, approve }).catch((error) => this.toast(error.message)));
          buttons.append(button);
        }
        box.append(buttons);
      }
      area.append(box);
    }
  }

  renderCommands(commands) {
    const list = this.$('.commands');
    list.replaceChildren();
    for (const { command, description } of commands) {
      const node = document.createElement('button');
      node.type = 'button';
      node.className = 'command-entry';
      const name = document.createElement('strong');
      name.textContent = `/${command}`;
      node.append(name, ` ${description}`);
      node.addEventListener('click', () => {
        list.hidden = true;
        this.act('send', { text: `/${command}` });
      });
      list.append(node);
    }
    this.$('.menu-button').hidden = commands.length === 0;
  }
}

function showStatus(next) {
  Object.assign(status, next);
  document.body.classList.toggle('resetting', status.resetting);
  const notice = document.getElementById('notice');
  notice.textContent = status.resetting ? 'Starting a fresh sandbox…' : (status.notice ?? '');
  notice.hidden = !status.resetting && !status.notice;
  tickClock();
}

function tickClock() {
  const offset = status.clockOffsetMs;
  const now = formatClock(new Date(Date.now() + offset));
  document.getElementById('clock').textContent = offset > 0 ? `${now} (+${describeDuration(offset)})` : now;
}

function connect() {
  const source = new EventSource('/events');
  const connection = document.getElementById('connection');
  source.addEventListener('open', () => {
    connection.textContent = 'live';
    connection.classList.add('live');
  });
  source.addEventListener('error', () => {
    connection.textContent = 'reconnecting…';
    connection.classList.remove('live');
  });
  source.addEventListener('state', (event) => {
    const state = JSON.parse(event.data);
    showStatus(state);
    const container = document.getElementById('panes');
    container.replaceChildren();
    panes.clear();
    for (const view of state.panes) {
      const pane = new PaneController(view);
      panes.set(view.key, pane);
      container.append(pane.root);
    }
  });
  source.addEventListener('pane', (event) => {
    const view = JSON.parse(event.data);
    const pane = panes.get(view.key);
    if (pane) pane.update(view);
    else {
      const created = new PaneController(view);
      panes.set(view.key, created);
      document.getElementById('panes').append(created.root);
    }
  });
  source.addEventListener('status', (event) => showStatus(JSON.parse(event.data)));
}

function controls() {
  document.getElementById('ff').addEventListener('click', async () => {
    const minutes = Number(document.getElementById('ff-amount').value);
    try {
      const { ran, failed, skipped } = await post('/api/fast-forward', { minutes });
      const first = panes.values().next().value;
      const notes = [
        ...(failed.length ? [`${failed.length} failed (see the log)`] : []),
        ...(skipped.length ? [`${skipped.length} had already run for this time`] : []),
      ];
      first?.toast(`Clock moved ${describeDuration(minutes * 60_000)} forward; ran ${ran.length} jobs${notes.map((note) => `, ${note}`).join('')}.`);
    } catch (error) {
      panes.values().next().value?.toast(error.message);
    }
  });
  // Two clicks, so a slip does not wipe the chats (and no browser dialog is needed).
  const reset = document.getElementById('reset');
  reset.addEventListener('click', async () => {
    if (!reset.classList.contains('armed')) {
      reset.classList.add('armed');
      reset.textContent = 'Click again to reset';
      setTimeout(() => {
        reset.classList.remove('armed');
        reset.textContent = '↺ Reset';
      }, 3000);
      return;
    }
    reset.classList.remove('armed');
    reset.textContent = '↺ Reset';
    await post('/api/reset', {}).catch((error) => panes.values().next().value?.toast(error.message));
  });
  setInterval(tickClock, 1000);
}

controls();
connect();
