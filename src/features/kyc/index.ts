import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import { createKycConversation, KYC } from '../../scenes/kyc/kycConversation.ts';
import { kycApprovalKind } from '../../services/kyc/approvalKind.ts';
import { createKycService } from '../../services/kyc/kyc.ts';
import { defineModule } from '../module.ts';
import { kycCardView } from './cards.ts';
import { showKycStatus } from './kycStatus.ts';

/** KYC: identity documents and a selfie, checked by an admin before money may move. */
export const kycModule = defineModule({
  name: 'kyc',
  services: (shared) => createKycService({ pool: shared.pool, media: shared.media }),
  commands: [{ command: 'kyc', description: 'Verify your identity', position: 80, button: '🪪 Verify identity' }],
  approvalKinds: () => [kycApprovalKind],
  cardViews: [kycCardView],
  telegram(deps) {
    const composer = new Composer<BotContext>();
    deps.menu.handle(composer, 'kyc', (ctx) => showKycStatus(ctx, deps.services));
    const conversation = createKycConversation({ kyc: deps.services, media: deps.kernel.media, download: deps.download, cards: deps.cards });
    return { composer, conversations: [{ name: KYC, builder: conversation }] };
  },
});
