import type { SharedServices } from '../../services/index.ts';
import type { PaystackService } from '../../services/paystack/paystack.ts';
import type { PaymentService } from '../../services/wallet/payments.ts';
import type { WalletService } from '../../services/wallet/wallet.ts';
import type { CardPublisher } from '../../telegram/cards.ts';
import type { FileDownloader } from '../../telegram/files.ts';

/** What the deposit and withdrawal conversations use. */
export type WalletSceneDeps = Pick<SharedServices, 'settings' | 'media' | 'access'> & {
  wallet: WalletService;
  payments: PaymentService;
  download: FileDownloader;
  cards: CardPublisher;
  /** Paystack when it is on: deposits by "Mobile money (instant)". */
  paystack: PaystackService | null;
};
