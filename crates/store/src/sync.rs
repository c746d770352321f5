//! Keeps AUTOMATIC tasks in line with the data, inside the transaction of the write that
//! changed it. The rules read her presence, profiles, communities and meetings (a handful of
//! rows) and her totals (kept by `derived`), never her whole history, so this costs the same
//! at any network size. Contact stages are kept by `derived` for the contacts a write
//! touches.

use chrono::{DateTime, Utc};
use herlead_core::{Playbook, UserId, rules};
use sea_orm::ConnectionTrait;

use crate::{
    EventSource, StoreError, derived,
    snapshot::load_rule_data,
    task_records::{self, TaskStatusChange},
};

/// Re-evaluates every rule for `user` at `now` and writes the task statuses that changed,
/// with history events marked as the rule's.
pub(crate) async fn sync(
    conn: &impl ConnectionTrait,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<Vec<crate::Event>, StoreError> {
    let mut events = Vec::new();
    let mut data = load_rule_data(conn, user).await?;
    data.totals = derived::ensure(conn, user).await?;
    let results = rules::evaluate_inputs(&data.inputs(), now);
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
    Ok(events)
}
