//! The one write path. Every write runs in [`Store::transaction`]; every write of a member's
//! data in [`Store::write_for`], which adds her lock and her rules. Nothing else opens a
//! transaction, so no write can forget its turn (SQLite's `database is locked`), its lock,
//! its rules or its events.
//!
//! On SQLite, writes that queue up commit together (group commit): SQLite has one writer and
//! each commit costs an fsync (`synchronous=FULL`), so a writer that finds others waiting for
//! the turn leaves the transaction open for them instead of committing, each write runs in its
//! own savepoint (a failed one rolls back alone), and the last writer of the group commits for
//! all. Every writer is answered only after the commit that holds its change: nothing
//! acknowledged is ever lost.

use std::{
    sync::atomic::{AtomicUsize, Ordering},
    time::Duration,
};

use chrono::{DateTime, Utc};
use herlead_core::UserId;
use sea_orm::{DatabaseTransaction, DbErr, TransactionTrait};
use tokio::sync::oneshot;

use crate::{Backend, Event, Store, StoreError};

/// The most writes one SQLite commit carries, so that a steady stream of writers still
/// commits often.
const GROUP_MAX: usize = 64;

/// SQLite's open group commit, behind the write turn.
#[derive(Default)]
pub(crate) struct Group {
    /// The transaction the group's writes share, while one is open.
    txn: Option<DatabaseTransaction>,
    /// Which group this is, so a writer can tell whether its group has committed.
    id: u64,
    /// Each writer of the group, told the commit's outcome.
    acks: Vec<oneshot::Sender<Result<(), String>>>,
    /// Events of the group's writes, delivered after the commit.
    events: Vec<Event>,
}

/// The write turn and the group commit behind it.
#[derive(Default)]
pub(crate) struct Writer {
    group: tokio::sync::Mutex<Group>,
    /// Writers waiting for the turn.
    waiting: AtomicUsize,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("waiting", &self.waiting.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Runs `work` in one transaction, in the write turn (SQLite has one writer). The events
    /// `work` pushes are sent with the transaction (PostgreSQL's NOTIFY is transactional) and
    /// delivered in this process after the commit, so no one hears of a write that did not
    /// happen. An error from `work` rolls back everything it did.
    pub(crate) async fn transaction<T>(
        &self,
        work: impl AsyncFnOnce(&DatabaseTransaction, &mut Vec<Event>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if self.backend == Backend::Sqlite {
            return self.grouped(work).await;
        }
        let txn = self.db.begin().await?;
        let mut events = Vec::new();
        let value = work(&txn, &mut events).await?;
        self.events.notify_in(&txn, &events).await?;
        txn.commit().await?;
        self.events.after_commit(events);
        Ok(value)
    }

    /// SQLite: `work` in its own savepoint of the group's transaction; answered after the
    /// commit that holds it.
    async fn grouped<T>(
        &self,
        work: impl AsyncFnOnce(&DatabaseTransaction, &mut Vec<Event>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let writer = &self.writer;
        writer.waiting.fetch_add(1, Ordering::SeqCst);
        let mut group = writer.group.lock().await;
        writer.waiting.fetch_sub(1, Ordering::SeqCst);
        if group.txn.is_none() {
            group.txn = Some(self.db.begin().await?);
            group.id += 1;
        }
        let txn = group
            .txn
            .as_ref()
            .ok_or(StoreError::Database(DbErr::Custom(
                "no open transaction".into(),
            )))?;
        let savepoint = txn.begin().await?;
        let mut events = Vec::new();
        let outcome = work(&savepoint, &mut events).await;
        let value = match outcome {
            Ok(value) => {
                savepoint.commit().await?;
                value
            }
            Err(e) => {
                savepoint.rollback().await?;
                // Nothing of hers to commit; the others' changes still need their commit.
                if writer.waiting.load(Ordering::SeqCst) == 0 {
                    self.commit_group(&mut group).await;
                }
                return Err(e);
            }
        };
        let (ack, answer) = oneshot::channel();
        group.acks.push(ack);
        group.events.extend(events);
        let mine = group.id;
        if writer.waiting.load(Ordering::SeqCst) == 0 || group.acks.len() >= GROUP_MAX {
            self.commit_group(&mut group).await;
        }
        drop(group);
        let mut answer = answer;
        loop {
            // A writer that was waiting may have given up (its request was cancelled): then
            // whoever of the group is still here commits after a moment.
            match tokio::time::timeout(Duration::from_millis(5), &mut answer).await {
                Ok(Ok(Ok(()))) => return Ok(value),
                Ok(Ok(Err(message))) => return Err(StoreError::Database(DbErr::Custom(message))),
                Ok(Err(_)) => {
                    return Err(StoreError::Database(DbErr::Custom(
                        "the group commit was abandoned".into(),
                    )));
                }
                Err(_) => {
                    let mut group = writer.group.lock().await;
                    if group.id == mine && group.txn.is_some() {
                        self.commit_group(&mut group).await;
                    }
                }
            }
        }
    }

    /// Commits the open group and tells each of its writers the outcome.
    async fn commit_group(&self, group: &mut Group) {
        let Some(txn) = group.txn.take() else {
            return;
        };
        let outcome = txn.commit().await.map_err(|e| e.to_string());
        let events = std::mem::take(&mut group.events);
        if outcome.is_ok() {
            self.events.after_commit(events);
        }
        for ack in group.acks.drain(..) {
            let _ = ack.send(outcome.clone());
        }
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
