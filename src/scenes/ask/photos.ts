import type { Api } from 'grammy';
import type { BotConversation, ConversationContext } from '../../context.ts';
import { invalid, valid, type Checked } from '../../services/common/validation.ts';
import type { MediaFolder, MediaStore } from '../../services/platform/mediaStore.ts';
import type { FileDownloader } from '../../telegram/files.ts';
import type { SafeHtml } from '../../telegram/html.ts';
import { ask } from './ask.ts';

/** A photo or image file a user sent, by reference (the bytes are fetched when needed). */
export interface PhotoRef {
  fileId: string;
  fileSize: number | undefined;
}

export interface PhotoDeps {
  media: MediaStore;
  download: FileDownloader;
}

/** Whether a photo the user just sent is usable for the folder it will be stored in (downloaded and checked, not stored). */
export function checkPhoto(conversation: BotConversation, deps: PhotoDeps, photo: PhotoRef, folder: MediaFolder = 'kyc'): Promise<Checked<PhotoRef>> {
  return conversation.external(async (outer) => {
    const bytes = await deps.download(outer.api, photo.fileId, photo.fileSize);
    if (!bytes.ok) return bytes;
    const image = await deps.media.checkImage(bytes.value, folder);
    return image.ok ? valid(photo) : image;
  });
}

/** Asks for one photo, re-asking with the reason until a usable one arrives. */
export function askPhoto(conversation: BotConversation, ctx: ConversationContext, deps: PhotoDeps, text: SafeHtml): Promise<PhotoRef> {
  return ask(conversation, ctx, {
    text,
    acceptsFile: true,
    check: (answer) =>
      answer.kind === 'file' ? checkPhoto(conversation, deps, { fileId: answer.fileId, fileSize: answer.fileSize }) : invalid('Please send a photo.'),
  });
}

/** The bytes of an optional photo, for a service to store with the request it creates. */
export async function fetchOptionalPhoto(api: Api, download: FileDownloader, photo: PhotoRef | null): Promise<Checked<Buffer | null>> {
  return photo ? download(api, photo.fileId, photo.fileSize) : valid(null);
}
