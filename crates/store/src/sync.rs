//! Keeps AUTOMATIC tasks and contact stages in line with the data, inside the transaction of
//! the write that changed it.

use chrono::{DateTime, Utc};
use herlead_core::{Playbook, UserId, rules};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr};

use crate::{
    EventSource, StoreError,
    entity::contact,
    snapshot::load_snapshot,
    task_records::{self, TaskStatusChange},
};

/// Re-evaluates every rule for `user` at `now` and writes what changed: task statuses (with
/// history events marked as the rule's) and derived contact stages.
pub(crate) async fn sync(
    conn: &impl ConnectionTrait,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<Vec<crate::Event>, StoreError> {
    let mut events = Vec::new();
    let (snapshot, stored_stages) = load_snapshot(conn, user).await?;
    let results = rules::evaluate(&snapshot, now);
    let records = task_records::records(conn, user).await?;
    for (task_key, status) in rules::plan_sync(Playbook::standard(), &results, &records) {
        let current = records.iter().find(|r| r.task_key == task_key).cloned();
        let note = current.as_ref().and_then(|r| r.note.clone());
        let (_, event) = task_records::apply(
            conn,
            TaskStatusChange {
                user,
                task_key: task_key.to_owned(),
                status,
                note,
                now,
            },
            current,
            EventSource::Rule,
        )
        .await?;
        events.extend(event);
    }
    for (id, stage) in snapshot.stages() {
        if stored_stages.get(&id).map(String::as_str) != Some(stage.as_str()) {
            contact::Entity::update_many()
                .col_expr(contact::Column::Stage, Expr::value(stage.as_str()))
                .filter(contact::Column::Id.eq(id))
                .exec(conn)
                .await?;
        }
    }
    Ok(events)
}
