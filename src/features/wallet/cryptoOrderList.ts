import { InlineKeyboard } from 'grammy';
import { formatCrypto } from '../../services/common/amounts.ts';
import { isCryptoNetwork, networkName, transactionLink } from '../../services/wallet/cryptoNetworks.ts';
import type { CryptoTransferRow, CryptoWalletService } from '../../services/wallet/cryptoWallet.ts';
import { formatDateTime } from '../../telegram/format.ts';
import { html, joinHtml } from '../../telegram/html.ts';
import { addPagingRow } from '../../telegram/paging.ts';
import type { OrderList } from '../module.ts';
import { orderPageData } from './ordersCommand.ts';

const KEY = 'crypto';

function statusText(row: CryptoTransferRow): string {
  if (row.status === 'pending') return '⏳ with our team';
  if (row.status === 'declined') return '❌ declined';
  return row.kind === 'crypto_withdrawal' ? '✅ sent' : '✅ in your wallet';
}

function transferLine(row: CryptoTransferRow) {
  const network = isCryptoNetwork(row.network) ? networkName(row.network) : row.network;
  const link = row.tx_hash !== null && row.status !== 'declined' && isCryptoNetwork(row.network) ? html`\n${transactionLink(row.network, row.tx_hash)}` : html``;
  return html`${row.kind === 'crypto_withdrawal' ? '⬆️ Sent' : '⬇️ Received'} ${formatCrypto(row.amount, row.asset)} on ${network}\n<code>${row.reference}</code> · ${statusText(row)} · ${formatDateTime(row.created_at)}${link}`;
}

/** The user's crypto sent to and received from their own wallets in /orders, newest first, with the explorer link. */
export function cryptoTransferList(crypto: CryptoWalletService): OrderList {
  return {
    key: KEY,
    label: '🪙 Crypto in and out',
    async render(userId, page) {
      const paged = await crypto.transfers(userId, page);
      if (paged.rows.length === 0) return { text: html`🪙 You have not sent crypto to a wallet or received it from one yet. Use /withdraw or /deposit.` };
      const keyboard = addPagingRow(new InlineKeyboard(), paged, (to) => orderPageData(KEY, to));
      return {
        text: html`🪙 <b>Crypto in and out</b> (page ${paged.page + 1} of ${paged.pages})\n\n${joinHtml(paged.rows.map(transferLine), '\n\n')}`,
        ...(keyboard.inline_keyboard.flat().length > 0 ? { keyboard } : {}),
      };
    },
  };
}
