import type { DatabasePool } from 'slonik';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { createAdminService, type AdminService } from './admins.ts';
import { createApprovalService, type ApprovalService } from './approvals.ts';
import { createCashService, type CashService } from './cash.ts';
import { systemClock, type Clock } from './clock.ts';
import { createKycService, type KycService } from './kyc.ts';
import { createMediaStore, type MediaStore } from './mediaStore.ts';
import { createMoneyAccess, type MoneyAccess } from './moneyAccess.ts';
import { createQuoteService, type QuoteService } from './quotes.ts';
import { createCoinGeckoProvider, createCoinMarketCapProvider } from './rateProviders.ts';
import { createRateService, type RateService } from './rates.ts';
import { createRegistrationService, type RegistrationService } from './registration.ts';
import { createSettingsService, type SettingsService } from './settings.ts';
import { createTradingService, type TradingService } from './trading.ts';
import { createUserService, type UserService } from './users.ts';
import { createWalletService, type WalletService } from './wallet.ts';

export interface Services {
  asset: string;
  users: UserService;
  registration: RegistrationService;
  admins: AdminService;
  approvals: ApprovalService;
  kyc: KycService;
  settings: SettingsService;
  media: MediaStore;
  rates: RateService;
  quotes: QuoteService;
  access: MoneyAccess;
  trading: TradingService;
  cash: CashService;
  wallet: WalletService;
}

export interface ServiceDependencies {
  pool: DatabasePool;
  config: Pick<Config, 'adminIds' | 'dataDir' | 'cryptoAsset' | 'rateSources'>;
  logger: Logger;
  clock?: Clock;
}

export function createServices(deps: ServiceDependencies): Services {
  const { pool, config, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const asset = config.cryptoAsset;
  const admins = createAdminService({ pool, adminIds: config.adminIds });
  const media = createMediaStore({ dataDir: config.dataDir });
  const kyc = createKycService({ pool, media });
  const rates = createRateService({
    pool,
    asset,
    providers: {
      coinmarketcap: createCoinMarketCapProvider({ baseUrl: config.rateSources.coinmarketcapUrl, apiKey: config.rateSources.coinmarketcapApiKey }),
      coingecko: createCoinGeckoProvider({ baseUrl: config.rateSources.coingeckoUrl }),
    },
    admins,
    clock,
    logger,
  });
  const quotes = createQuoteService({ pool, prices: rates, asset, clock });
  const access = createMoneyAccess({ pool, clock });
  const trading = createTradingService({ pool, access, quotes, media, clock, asset });
  const cash = createCashService({ pool, access, media, clock });
  return {
    asset,
    users: createUserService(pool),
    registration: createRegistrationService({ pool, adminIds: config.adminIds }),
    admins,
    approvals: createApprovalService({
      pool,
      admins,
      kinds: [kyc.approvalKind, trading.buyKind, trading.sellKind, cash.depositKind, cash.withdrawalKind],
    }),
    kyc,
    settings: createSettingsService({ pool, admins }),
    media,
    rates,
    quotes,
    access,
    trading,
    cash,
    wallet: createWalletService({ pool, prices: rates, quotes }),
  };
}
