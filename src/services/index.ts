import type { DatabasePool } from 'slonik';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { createAdminService, type AdminService } from './accounts/admins.ts';
import { createMoneyAccess, type MoneyAccess } from './accounts/moneyAccess.ts';
import { createUserService, type UserService } from './accounts/users.ts';
import { createSettingsService, type SettingsService } from './admin/settings.ts';
import { SETTING_FIELDS, type SettingField } from './admin/settingFields.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { createMediaStore, type MediaStore } from './platform/mediaStore.ts';
import { createSealer, type Sealer } from './platform/sealing.ts';
import { createCoinGeckoProvider, createCoinMarketCapProvider } from './rates/providers.ts';
import { createRateService, type RateService } from './rates/rates.ts';
import { createQuoteService, type QuoteService } from './trading/quotes.ts';

/**
 * The services every domain builds on: who users and admins are, settings, stored media, the price and its
 * quotes, and whether money may move. Each domain module (src/modules.ts) builds its own services from these.
 */
export interface SharedServices {
  pool: DatabasePool;
  config: ServiceDependencies['config'];
  clock: Clock;
  logger: Logger;
  /** The crypto asset traded, e.g. USDT. */
  asset: string;
  users: UserService;
  admins: AdminService;
  settings: SettingsService;
  media: MediaStore;
  rates: RateService;
  quotes: QuoteService;
  access: MoneyAccess;
  /** Encryption for data that must not be readable in the database, one key per purpose. */
  sealer(purpose: string): Sealer;
}

export interface ServiceDependencies {
  pool: DatabasePool;
  config: Pick<Config, 'adminIds' | 'dataDir' | 'cryptoAsset' | 'rateSources' | 'stateSecret'> & Partial<Pick<Config, 'paystack'>>;
  logger: Logger;
  clock?: Clock;
}

export function createSharedServices(deps: ServiceDependencies, extraSettingFields: readonly SettingField[] = []): SharedServices {
  const { pool, config, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const asset = config.cryptoAsset;
  const admins = createAdminService({ pool, adminIds: config.adminIds });
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
  return {
    pool,
    config,
    clock,
    logger,
    asset,
    users: createUserService(pool),
    admins,
    settings: createSettingsService({ pool, admins, fields: [...SETTING_FIELDS, ...extraSettingFields] }),
    media: createMediaStore({ dataDir: config.dataDir }),
    rates,
    quotes: createQuoteService({ pool, prices: rates, asset, clock }),
    access: createMoneyAccess({ pool, clock }),
    sealer: (purpose) => createSealer(config.stateSecret, purpose),
  };
}
