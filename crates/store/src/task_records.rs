//! Task records: reading her task statuses and writing a status change with its history
//! event. Used by the member's own changes (`progress`) and by the rules (`sync`).

use chrono::{DateTime, Utc};
use herlead_core::{TaskStatus, UserId, input::Note, progress::TaskRecord};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::OnConflict,
};

use crate::{
    EventSource, StoreError,
    convert::to_record,
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
