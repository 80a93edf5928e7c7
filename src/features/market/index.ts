import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import { expireMarketOrdersJob } from '../../jobs/expireMarketOrders.ts';
import { createPlaceOrderConversation, PLACE_ORDER } from '../../scenes/market/placeOrder.ts';
import { createMarketService } from '../../services/market/market.ts';
import { MARKET_SETTING_FIELDS } from '../../services/market/settingFields.ts';
import { defineModule } from '../module.ts';
import { marketButtons, showMarket } from './marketCommand.ts';
import { marketOrderList, orderCancelling } from './orderList.ts';

/** Market: users' limit orders on one book (<asset>/GHS), matched into trades, funds held in escrow. */
export const marketModule = defineModule({
  name: 'market',
  services: (shared) => createMarketService(shared),
  commands: [{ command: 'market', description: 'Trade with other users: the order book', position: 64, button: '📈 Market' }],
  settingFields: MARKET_SETTING_FIELDS,
  telegram(deps) {
    const { kernel, services: market } = deps;
    const { asset } = kernel;
    const composer = new Composer<BotContext>();
    const orders = marketOrderList({ market, asset });
    deps.menu.handle(composer, 'market', (ctx) => showMarket(ctx, market, asset));
    composer.use(marketButtons({ market, access: kernel.access, asset, orders }));
    composer.use(orderCancelling({ market, asset }));
    return {
      composer,
      orderLists: [orders],
      conversations: [
        { restartCommand: 'market', name: PLACE_ORDER, builder: createPlaceOrderConversation({ asset, access: kernel.access, market, delivery: deps.delivery, logger: deps.logger }) },
      ],
    };
  },
  jobs: (deps) => [expireMarketOrdersJob({ market: deps.services, delivery: deps.delivery, clock: deps.kernel.clock, logger: deps.logger })],
});
