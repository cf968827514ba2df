// The 12 reference queries of the standard workload (../shared/workload/queries.sql from the repository
// root, ClickHouse dialect) written in DuckDB's dialect, in the same order and with the same results.
// Used by reference_expected.mjs and duckdb_queries.mjs.
//   toDateTime('...')       -> TIMESTAMP '...'
//   count()                 -> count(*)
//   countIf(c)              -> count_if(c)
//   toStartOfHour(t)        -> date_trunc('hour', t)
//   toDate(t)               -> CAST(t AS DATE)
//   HAVING on an alias      -> HAVING on the aggregate (Q3)
const ts = 'TIMESTAMP';
export const DUCKDB_QUERIES = Object.freeze([
  `SELECT count(*) FROM events WHERE action_type = 'purchase' AND timestamp >= ${ts} '2024-01-30 23:00:00'`,
  `SELECT product_id, sum(quantity) AS total_sold FROM events WHERE action_type = 'purchase' AND timestamp >= ${ts} '2024-01-01 00:00:00' GROUP BY product_id ORDER BY total_sold DESC, product_id LIMIT 10`,
  `SELECT user_id, count(*) AS interaction_count, avg(price) AS avg_price FROM events WHERE user_type = 'returning' GROUP BY user_id HAVING count(*) > 50 ORDER BY interaction_count DESC, user_id LIMIT 100`,
  `SELECT category, avg(price) AS avg_price FROM events WHERE action_type = 'purchase' AND timestamp >= ${ts} '2024-01-01 00:00:00' GROUP BY category ORDER BY avg_price DESC`,
  `SELECT region, count(*) AS event_count, avg(price) AS avg_price FROM events WHERE timestamp >= ${ts} '2024-01-01 00:00:00' GROUP BY region ORDER BY event_count DESC`,
  `SELECT date_trunc('hour', timestamp) AS hour, category, avg(price) AS avg_price FROM events WHERE category IN ('electronics', 'clothing', 'books') GROUP BY hour, category ORDER BY hour DESC, category LIMIT 50`,
  `SELECT device_type, count_if(action_type = 'view') AS views, count_if(action_type = 'add_to_cart') AS carts, count_if(action_type = 'purchase') AS purchases FROM events GROUP BY device_type ORDER BY device_type`,
  `SELECT CAST(timestamp AS DATE) AS day, count(DISTINCT user_id) AS users FROM events GROUP BY day ORDER BY day`,
  `SELECT brand, sum(price * quantity) AS revenue FROM events WHERE action_type = 'purchase' GROUP BY brand ORDER BY revenue DESC LIMIT 10`,
  `SELECT session_id, count(*) AS c FROM events GROUP BY session_id ORDER BY c DESC, session_id LIMIT 10`,
  `SELECT * FROM events WHERE user_id = 4242 ORDER BY timestamp LIMIT 100`,
  `SELECT region, count(*) AS c, sum(price * quantity) AS revenue FROM events WHERE timestamp >= ${ts} '2024-01-30 23:50:00' GROUP BY region ORDER BY c DESC`,
]);
