import type { SharedServices } from '../../services/index.ts';
import type { CryptoNetworkService } from '../../services/wallet/cryptoNetworkSettings.ts';
import type { CryptoWalletService } from '../../services/wallet/cryptoWallet.ts';
import type { PaystackService } from '../../services/paystack/paystack.ts';
import type { PaymentService } from '../../services/wallet/payments.ts';
import type { WalletService } from '../../services/wallet/wallet.ts';
import type { CardPublisher } from '../../telegram/cards.ts';
import type { FileDownloader } from '../../telegram/files.ts';

/** What the deposit and withdrawal conversations use. */
export type WalletSceneDeps = Pick<SharedServices, 'settings' | 'media' | 'access' | 'asset'> & {
  wallet: WalletService;
  networks: CryptoNetworkService;
  crypto: CryptoWalletService;
  payments: PaymentService;
  download: FileDownloader;
  cards: CardPublisher;
  /** Paystack when it is on: deposits by "Mobile money (instant)". */
  paystack: PaystackService | null;
};
