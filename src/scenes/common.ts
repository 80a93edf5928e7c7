import type { Api } from 'grammy';
import type { CardPublisher } from '../admin/cards.ts';
import type { BotConversation } from '../context.ts';
import type { Logger } from '../logger.ts';
import type { MediaStore } from '../services/mediaStore.ts';
import type { SettingsService } from '../services/settings.ts';
import { valid, type Checked } from '../services/validation.ts';
import type { FileDownloader } from '../telegram/files.ts';

/** The registered user in the conversation, as plain values (they are stored with the conversation). */
export interface Account {
  id: number;
  firstName: string | null;
  lastName: string | null;
  fullName: string;
  phone: string | null;
}

export async function currentAccount(conversation: BotConversation): Promise<Account | null> {
  return conversation.external((outer) => {
    const user = outer.appUser;
    if (!user) return null;
    const fullName = [user.first_name, user.last_name].filter(Boolean).join(' ');
    return { id: user.id, firstName: user.first_name, lastName: user.last_name, fullName, phone: user.phone };
  });
}

/** A photo or image file a user sent, by reference (the bytes are fetched when needed). */
export interface PhotoRef {
  fileId: string;
  fileSize: number | undefined;
}

export interface PhotoDeps {
  media: MediaStore;
  download: FileDownloader;
}

/** Whether a photo the user just sent is usable (downloaded and checked, not stored). */
export function checkPhoto(conversation: BotConversation, deps: PhotoDeps, photo: PhotoRef): Promise<Checked<PhotoRef>> {
  return conversation.external(async (outer) => {
    const bytes = await deps.download(outer.api, photo.fileId, photo.fileSize);
    if (!bytes.ok) return bytes;
    const image = await deps.media.checkImage(bytes.value);
    return image.ok ? valid(photo) : image;
  });
}

/** The bytes of an optional photo, for a service to store with the request it creates. */
export async function fetchOptionalPhoto(api: Api, download: FileDownloader, photo: PhotoRef | null): Promise<Checked<Buffer | null>> {
  return photo ? download(api, photo.fileId, photo.fileSize) : valid(null);
}

/** Where users pay the platform by momo or bank (from the settings). */
export function paymentDetails(conversation: BotConversation, settings: SettingsService, method: 'momo' | 'bank'): Promise<string> {
  return conversation.external(async () => {
    const current = await settings.current();
    return method === 'momo' ? current.momo_payment_details : current.bank_payment_details;
  });
}

/** Posts the new request's card to the admin chat; the request is saved either way (and listed by /pending). */
export async function postCard(
  conversation: BotConversation,
  deps: { publisher: CardPublisher; logger: Logger },
  kind: string,
  id: number,
): Promise<void> {
  await conversation.external(async (outer) => {
    await deps.publisher.post(outer.api, kind, id).catch((error: unknown) => {
      deps.logger.error({ err: error, kind, id }, 'could not post a request card to the admin chat');
    });
  });
}
