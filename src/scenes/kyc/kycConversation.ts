import type { BotConversation, ConversationContext } from '../../context.ts';
import { valid, type Checked } from '../../services/common/validation.ts';
import { checkAddress, checkDateOfBirth, checkDocumentNumber, DOCUMENT_LABELS, needsBackPhoto, type DocumentType } from '../../services/kyc/documents.ts';
import type { KycImages, KycService } from '../../services/kyc/kyc.ts';
import type { MediaStore } from '../../services/platform/mediaStore.ts';
import type { CardPublisher } from '../../telegram/cards.ts';
import type { FileDownloader } from '../../telegram/files.ts';
import { formatCalendarDate } from '../../telegram/format.ts';
import { html, type SafeHtml } from '../../telegram/html.ts';
import { sendCardOnItsWay } from '../ask/adminCard.ts';
import { askPersonName, askText, choose } from '../ask/ask.ts';
import { askPhoto as askCheckedPhoto, fetchOptionalPhoto, type PhotoRef } from '../ask/photos.ts';
import { currentUser } from '../ask/user.ts';
import { firstTutorialKeyboard } from '../tutorials/firstTutorial.ts';

export const KYC = 'kyc';

const NUMBER_EXAMPLES: Record<DocumentType, string> = {
  NATIONAL_ID: 'GHA-123456789-0',
  PASSPORT: 'G1234567',
  DRIVER_LICENSE: 'KAS-12345678',
};

export interface KycConversationDeps {
  kyc: KycService;
  media: MediaStore;
  download: FileDownloader;
  cards: CardPublisher;
}

/**
 * KYC: document type and number, names and date of birth as on the document, address, then the photos
 * (front, back unless a passport, selfie), a summary and Confirm. Each photo is checked when it arrives;
 * nothing is stored until the user confirms.
 */
export function createKycConversation(deps: KycConversationDeps) {
  const { kyc, media, download, cards } = deps;

  async function fetchPhotos(
    api: ConversationContext['api'],
    photos: { front: PhotoRef; back: PhotoRef | null; selfie: PhotoRef },
  ): Promise<Checked<KycImages>> {
    const front = await download(api, photos.front.fileId, photos.front.fileSize);
    if (!front.ok) return front;
    const back = await fetchOptionalPhoto(api, download, photos.back);
    if (!back.ok) return back;
    const selfie = await download(api, photos.selfie.fileId, photos.selfie.fileSize);
    if (!selfie.ok) return selfie;
    return valid({ front: front.value, back: back.value, selfie: selfie.value });
  }

  function askPhoto(conversation: BotConversation, ctx: ConversationContext, text: SafeHtml): Promise<PhotoRef> {
    return askCheckedPhoto(conversation, ctx, { media, download }, text);
  }

  return async function kycConversation(conversation: BotConversation, ctx: ConversationContext): Promise<void> {
    const account = await currentUser(conversation);
    if (!account) return;

    for (;;) {
      const documentType = await choose(conversation, ctx, html`Which document will you use to verify your identity?`, [
        [{ label: 'Ghana Card', value: 'NATIONAL_ID' }],
        [{ label: 'Passport', value: 'PASSPORT' }],
        [{ label: "Driver's licence", value: 'DRIVER_LICENSE' }],
      ] as const);
      const label = DOCUMENT_LABELS[documentType];
      const documentNumber = await askText(
        conversation,
        ctx,
        html`Type your ${label} number exactly as printed, e.g. ${NUMBER_EXAMPLES[documentType]}`,
        (text) => checkDocumentNumber(documentType, text),
      );
      const firstName = await askPersonName(conversation, ctx, 'first', account.firstName ?? undefined, 'the document');
      const lastName = await askPersonName(conversation, ctx, 'last', account.lastName ?? undefined, 'the document');
      const today = new Date(await conversation.now()).toISOString().slice(0, 10);
      const dateOfBirth = await askText(
        conversation,
        ctx,
        html`What is your date of birth, as on the document? For example 2000-01-31 or 31/01/2000.`,
        (text) => checkDateOfBirth(text, today),
      );
      const address = await askText(
        conversation,
        ctx,
        html`What is your home address? For example: House 12, Oxford Street, Osu, Accra (or your GhanaPost GPS address).`,
        checkAddress,
      );
      const tips = 'Lay it flat in good light, with all four corners visible and no glare.';
      const front = await askPhoto(conversation, ctx, html`📸 Send a photo of the <b>front</b> of your ${label}. ${tips}`);
      const back = needsBackPhoto(documentType)
        ? await askPhoto(conversation, ctx, html`📸 Now the <b>back</b> of your ${label}. ${tips}`)
        : null;
      const selfie = await askPhoto(
        conversation,
        ctx,
        html`🤳 Last one: a <b>selfie</b> of you holding the ${label} next to your face, both clearly visible.`,
      );

      const photos = back ? 'front, back and selfie' : 'front and selfie';
      const decision = await choose(
        conversation,
        ctx,
        html`<b>Please check your details</b>

Document: ${label} ${documentNumber}
Name: ${firstName} ${lastName}
Date of birth: ${formatCalendarDate(dateOfBirth)}
Address: ${address}
Photos: ${photos} received

Send these for verification?`,
        [[{ label: '✅ Confirm and send', value: 'confirm' }], [{ label: '🔁 Start over', value: 'restart' }, { label: '❌ Cancel', value: 'cancel' }]],
      );
      if (decision === 'cancel') {
        await ctx.reply('Cancelled; nothing was saved. Send /kyc whenever you are ready.');
        return;
      }
      if (decision === 'restart') continue;

      const result = await conversation.external(async (outer) => {
        const images = await fetchPhotos(outer.api, { front, back, selfie });
        if (!images.ok) return { status: 'invalid_image', reason: images.reason } as const;
        const submitted = await kyc.submit(
          { userId: account.id, documentType, documentNumber, firstName, lastName, dateOfBirth, address },
          images.value,
        );
        // Only plain values leave `external`: they are stored with the conversation.
        return submitted.status === 'submitted' ? { status: 'submitted', kycId: submitted.kyc.id } as const : submitted;
      });
      if (result.status === 'invalid_image') {
        await ctx.reply(html`${result.reason} Please send /kyc to start again.`.value);
        return;
      }
      if (result.status === 'not_allowed') {
        await ctx.reply('Your documents are already with us. Send /kyc to see where they stand.');
        return;
      }
      await ctx.reply(
        "✅ Thank you! Your documents were sent for review. I'll message you here as soon as an admin has checked them, usually within a few hours.\n\nWhile you wait, learn how buying, selling and your wallet work in /tutorials.",
        { reply_markup: firstTutorialKeyboard() },
      );
      await sendCardOnItsWay(conversation, { cards });
      return;
    }
  };
}
