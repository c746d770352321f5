//! Task progress and its append-only history.

use chrono::{DateTime, Utc};
use herlead_core::{TaskStatus, UserId, input::Note, progress::TaskRecord};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    sea_query::OnConflict,
};
use serde::{Deserialize, Serialize};

use crate::{
    Store, StoreError,
    entity::{progress_event, task_progress},
};

/// A requested change to one task's status.
#[derive(Debug, Clone)]
pub struct TaskStatusChange {
    /// Whose task.
    pub user: UserId,
    /// A key the playbook knows (checked by the caller).
    pub task_key: String,
    /// The new status.
    pub status: TaskStatus,
    /// The new note; `None` clears it.
    pub note: Option<Note>,
    /// When the change happens.
    pub now: DateTime<Utc>,
}

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

fn parse_status(raw: &str) -> Result<TaskStatus, StoreError> {
    raw.parse()
        .map_err(|_| StoreError::Corrupt(format!("unknown task status {raw:?}")))
}

/// Who changed a status.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum EventSource {
    /// The member, through `setTaskStatus`.
    Member,
    /// A rule, from her data.
    Rule,
}

impl EventSource {
    /// The stable name, stored and sent: `MEMBER` or `RULE`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

pub(crate) async fn record(
    conn: &impl ConnectionTrait,
    user: UserId,
    key: &str,
) -> Result<Option<TaskRecord>, StoreError> {
    task_progress::Entity::find_by_id((user.0, key.to_owned()))
        .one(conn)
        .await?
        .map(to_record)
        .transpose()
}

pub(crate) async fn records(
    conn: &impl ConnectionTrait,
    user: UserId,
) -> Result<Vec<TaskRecord>, StoreError> {
    task_progress::Entity::find()
        .filter(task_progress::Column::UserId.eq(user.0))
        .all(conn)
        .await?
        .into_iter()
        .map(to_record)
        .collect()
}

/// Writes a status change and its history event, unless it changes nothing.
pub(crate) async fn apply(
    conn: &impl ConnectionTrait,
    change: TaskStatusChange,
    current: Option<TaskRecord>,
    source: EventSource,
) -> Result<(TaskRecord, Option<crate::Event>), StoreError> {
    let from = current
        .as_ref()
        .map_or(TaskStatus::NotStarted, |r| r.status);
    if let Some(current) = &current
        && current.status == change.status
        && current.note == change.note
    {
        return Ok((current.clone(), None));
    }
    let completed_at = match (change.status, &current) {
        (TaskStatus::Done, Some(r)) if r.status == TaskStatus::Done => r.completed_at,
        (TaskStatus::Done, _) => Some(change.now),
        _ => None,
    };
    let note_text = change.note.as_ref().map(|n| n.as_str().to_owned());
    task_progress::Entity::insert(task_progress::ActiveModel {
        user_id: Set(change.user.0),
        task_key: Set(change.task_key.clone()),
        status: Set(change.status.as_str().to_owned()),
        note: Set(note_text.clone()),
        updated_at: Set(change.now),
        completed_at: Set(completed_at),
    })
    .on_conflict(
        OnConflict::columns([
            task_progress::Column::UserId,
            task_progress::Column::TaskKey,
        ])
        .update_columns([
            task_progress::Column::Status,
            task_progress::Column::Note,
            task_progress::Column::UpdatedAt,
            task_progress::Column::CompletedAt,
        ])
        .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    progress_event::Entity::insert(progress_event::ActiveModel {
        user_id: Set(change.user.0),
        task_key: Set(change.task_key.clone()),
        from_status: Set(from.as_str().to_owned()),
        to_status: Set(change.status.as_str().to_owned()),
        note: Set(note_text),
        occurred_at: Set(change.now),
        source: Set(source.as_str().to_owned()),
        ..Default::default()
    })
    .exec_without_returning(conn)
    .await?;
    let event = crate::Event::Progress {
        user: change.user.0,
        task_key: change.task_key.clone(),
        from,
        to: change.status,
        at: change.now,
        source,
        cohort: None,
    };
    Ok((
        TaskRecord {
            task_key: change.task_key,
            status: change.status,
            note: change.note,
            updated_at: change.now,
            completed_at,
        },
        Some(event),
    ))
}

pub(crate) fn to_record(model: task_progress::Model) -> Result<TaskRecord, StoreError> {
    Ok(TaskRecord {
        status: parse_status(&model.status)?,
        task_key: model.task_key,
        note: model.note.map(Note::from_stored),
        updated_at: model.updated_at,
        completed_at: model.completed_at,
    })
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

    /// The user's progress history, oldest first.
    pub async fn progress_events(&self, user: UserId) -> Result<Vec<ProgressEvent>, StoreError> {
        progress_event::Entity::find()
            .filter(progress_event::Column::UserId.eq(user.0))
            .order_by_asc(progress_event::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| {
                Ok(ProgressEvent {
                    id: m.id,
                    user: UserId(m.user_id),
                    from: parse_status(&m.from_status)?,
                    to: parse_status(&m.to_status)?,
                    task_key: m.task_key,
                    note: m.note.map(Note::from_stored),
                    occurred_at: m.occurred_at,
                    source: m.source.parse().map_err(|_| {
                        StoreError::Corrupt(format!("unknown status source {:?}", m.source))
                    })?,
                })
            })
            .collect()
    }
}
