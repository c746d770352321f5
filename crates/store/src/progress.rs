//! Task progress as the member sets it, and its append-only history.

use chrono::{DateTime, Utc};
use herlead_core::{TaskStatus, UserId, input::Note, progress::TaskRecord};

use crate::{
    EventSource, Store, StoreError,
    convert::parse_status,
    entity::progress_event,
    task_records::{TaskStatusChange, apply, record, records},
};

/// One entry of the progress history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressEvent {
    /// Monotonic per database.
    pub id: i64,
    /// Whose task.
    pub user: UserId,
    /// Which task.
    pub task_key: String,
    /// Status before.
    pub from: TaskStatus,
    /// Status after.
    pub to: TaskStatus,
    /// The note given with the change.
    pub note: Option<Note>,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// Whether the member or a rule made the change.
    pub source: EventSource,
}

impl Store {
    /// Everything recorded about the user's tasks.
    pub async fn task_records(&self, user: UserId) -> Result<Vec<TaskRecord>, StoreError> {
        records(&self.db, user).await
    }

    /// Sets a task's status and note as the member asked, then lets the rules re-evaluate
    /// (so un-skipping an AUTOMATIC task hands it back to its rule), in one transaction. When
    /// nothing changes, nothing is written.
    pub async fn set_task_status(
        &self,
        mut change: TaskStatusChange,
    ) -> Result<TaskRecord, StoreError> {
        change.now = crate::db_time(change.now);
        let key = change.task_key.clone();
        let (user, now) = (change.user, change.now);
        let written = self
            .write_for(user, now, async |txn, events| {
                let current = record(txn, user, &key).await?;
                let (written, event) = apply(txn, change, current, EventSource::Member).await?;
                events.extend(event);
                Ok(written)
            })
            .await?;
        // The rules ran after her change and may have handed the task back to its rule: what
        // is stored now is the answer. Her writes take turns, so nothing of hers came between.
        Ok(record(&self.db, user, &key).await?.unwrap_or(written))
    }

    /// The user's progress history, oldest first (the export reads all of it).
    pub async fn progress_events(&self, user: UserId) -> Result<Vec<ProgressEvent>, StoreError> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        progress_event::Entity::find()
            .filter(progress_event::Column::UserId.eq(user.0))
            .order_by_asc(progress_event::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_event)
            .collect()
    }

    /// One page of the user's progress history, newest first: at most `first` events older
    /// than the event `before` (an id from an earlier page), with how many she has in all and
    /// whether older ones follow.
    pub async fn progress_history(
        &self,
        user: UserId,
        first: u64,
        before: Option<i64>,
    ) -> Result<ProgressEventPage, StoreError> {
        use sea_orm::{
            ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
        };
        let total = progress_event::Entity::find()
            .filter(progress_event::Column::UserId.eq(user.0))
            .count(&self.db)
            .await?;
        let mut query =
            progress_event::Entity::find().filter(progress_event::Column::UserId.eq(user.0));
        if let Some(before) = before {
            query = query.filter(progress_event::Column::Id.lt(before));
        }
        let mut models = query
            .order_by_desc(progress_event::Column::Id)
            .limit(first + 1)
            .all(&self.db)
            .await?;
        let has_next = models.len() as u64 > first;
        models.truncate(usize::try_from(first).unwrap_or(usize::MAX));
        Ok(ProgressEventPage {
            items: models.into_iter().map(to_event).collect::<Result<_, _>>()?,
            total,
            has_next,
        })
    }
}

/// A page of her progress history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressEventPage {
    /// The events, newest first.
    pub items: Vec<ProgressEvent>,
    /// How many events she has in all.
    pub total: u64,
    /// Whether older events follow this page.
    pub has_next: bool,
}

fn to_event(m: progress_event::Model) -> Result<ProgressEvent, StoreError> {
    Ok(ProgressEvent {
        id: m.id,
        user: UserId(m.user_id),
        from: parse_status(&m.from_status)?,
        to: parse_status(&m.to_status)?,
        task_key: m.task_key,
        note: m.note.map(Note::from_stored),
        occurred_at: m.occurred_at,
        source: m
            .source
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("unknown status source {:?}", m.source)))?,
    })
}
