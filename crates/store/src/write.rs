//! The one write path. Every write runs in [`Store::transaction`]; every write of a member's
//! data in [`Store::write_for`], which adds her lock and her rules. Nothing else opens a
//! transaction, so no write can forget its turn (SQLite's `database is locked`), its lock,
//! its rules or its events.

use chrono::{DateTime, Utc};
use herlead_core::UserId;
use sea_orm::{DatabaseTransaction, TransactionTrait};

use crate::{Event, Store, StoreError};

impl Store {
    /// Runs `work` in one transaction, in the write turn (SQLite has one writer). The events
    /// `work` pushes are sent with the transaction (PostgreSQL's NOTIFY is transactional) and
    /// delivered in this process after the commit, so no one hears of a write that did not
    /// happen. An error from `work` rolls everything back.
    pub(crate) async fn transaction<T>(
        &self,
        work: impl AsyncFnOnce(&DatabaseTransaction, &mut Vec<Event>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let _turn = self.write_turn().await;
        let txn = self.db.begin().await?;
        let mut events = Vec::new();
        let value = work(&txn, &mut events).await?;
        self.events.notify_in(&txn, &events).await?;
        txn.commit().await?;
        self.events.after_commit(events);
        Ok(value)
    }

    /// A write of `user`'s data: takes her lock (bumping her revision, so cached dashboards
    /// that show her know they are stale), runs `work`, then re-evaluates her rules at `now`
    /// in the same transaction, so what the rules derive is never behind what she wrote.
    pub(crate) async fn write_for<T>(
        &self,
        user: UserId,
        now: DateTime<Utc>,
        work: impl AsyncFnOnce(&DatabaseTransaction, &mut Vec<Event>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.transaction(async |txn, events| {
            self.lock_user(txn, user).await?;
            // Her derived state exists before the write reads what it contributed.
            crate::derived::ensure(txn, user).await?;
            let value = work(txn, events).await?;
            events.extend(crate::sync::sync(txn, user, now).await?);
            Ok(value)
        })
        .await
    }
}
