-- Up Migration
-- A first run has no CoinMarketCap API key: the live price comes from CoinGecko, which needs none, unless an
-- admin has already chosen a source (the column keeps the schema's default; only the row changes).
UPDATE settings SET live_rate_source = 'coingecko'
 WHERE live_rate_source = 'coinmarketcap'
   AND NOT EXISTS (SELECT 1 FROM admin_audit_log WHERE subject_kind = 'settings' AND details ->> 'field' = 'live_rate_source');

-- Down Migration
SELECT 1;
