//! Rate-limit counters in the database, so that every replica on one PostgreSQL database
//! draws on the same quota. GCRA (the generic cell rate algorithm, as the in-process
//! `governor` limiter uses): a key's row holds its theoretical arrival time; taking `n` cells
//! moves it `n` emission intervals later, and is refused when that would put it more than
//! the burst tolerance ahead of now. One statement per check, atomic under concurrency.

use sea_orm::{ConnectionTrait, Statement};

use crate::{Store, StoreError};

/// Rows are swept of expired keys every this many checks.
const SWEEP_EVERY: u64 = 10_000;

impl Store {
    /// Takes `cells_ms` (n cells × the emission interval, in milliseconds) from `key`'s
    /// quota, whose burst tolerance is `tolerance_ms`, at `now_ms`. All or none: `Ok(None)`
    /// when taken, `Ok(Some(ms))` when refused, with the milliseconds until it would succeed.
    pub async fn take_rate(
        &self,
        key: &str,
        cells_ms: i64,
        tolerance_ms: i64,
        now_ms: i64,
    ) -> Result<Option<i64>, StoreError> {
        let backend = self.db.get_database_backend();
        let checks = self
            .rate_checks
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if checks % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.db
                .execute_raw(Statement::from_sql_and_values(
                    backend,
                    "DELETE FROM rate_limits WHERE tat_ms < $1",
                    [now_ms.into()],
                ))
                .await?;
        }
        // A new key starts at now; an existing one at the later of its arrival time and now.
        let taken = self
            .db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                "INSERT INTO rate_limits AS r (key, tat_ms) VALUES ($1, $2 + $3) \
                 ON CONFLICT (key) DO UPDATE SET tat_ms = \
                   CASE WHEN r.tat_ms > $2 THEN r.tat_ms ELSE $2 END + $3 \
                 WHERE CASE WHEN r.tat_ms > $2 THEN r.tat_ms ELSE $2 END + $3 - $2 <= $4 \
                 RETURNING tat_ms",
                [
                    key.into(),
                    now_ms.into(),
                    cells_ms.into(),
                    tolerance_ms.into(),
                ],
            ))
            .await?;
        if taken.is_some() {
            return Ok(None);
        }
        let row = self
            .db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                "SELECT tat_ms FROM rate_limits WHERE key = $1",
                [key.into()],
            ))
            .await?;
        let tat: i64 = match row {
            Some(row) => row.try_get_by_index(0)?,
            None => now_ms,
        };
        Ok(Some(
            (tat.max(now_ms) + cells_ms - tolerance_ms - now_ms).max(1),
        ))
    }
}
