//! Her progress history: every change of a task's status, by her or by a rule, newest first.

use async_graphql::{
    Context, Enum, Object, SimpleObject,
    connection::{Connection, Edge},
};
use chrono::{DateTime, Utc};
use herlead_core::TaskStatus;
use herlead_store::{EventSource, ProgressEvent};

use crate::error::Result;

use super::common::{PAGE_DEFAULT, invalid, page_cost, page_size, store, viewer};

/// Who changed a status.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum ChangeSource {
    /// She did, with `setTaskStatus`.
    Member,
    /// A rule did, from the data she recorded.
    Rule,
}

impl From<EventSource> for ChangeSource {
    fn from(source: EventSource) -> Self {
        match source {
            EventSource::Member => ChangeSource::Member,
            EventSource::Rule => ChangeSource::Rule,
        }
    }
}

/// One change of one of her tasks.
#[derive(SimpleObject)]
#[graphql(name = "ProgressEvent")]
pub struct ProgressEventView {
    /// Which task (a playbook key).
    task_key: String,
    /// The status before.
    #[graphql(name = "from")]
    from_status: TaskStatus,
    /// The status after.
    #[graphql(name = "to")]
    to_status: TaskStatus,
    /// The note she gave with the change.
    note: Option<String>,
    /// When it happened.
    occurred_at: DateTime<Utc>,
    /// Whether she or a rule made it.
    source: ChangeSource,
}

impl From<ProgressEvent> for ProgressEventView {
    fn from(e: ProgressEvent) -> Self {
        Self {
            task_key: e.task_key,
            from_status: e.from,
            to_status: e.to,
            note: e.note.map(|n| n.as_str().to_owned()),
            occurred_at: e.occurred_at,
            source: e.source.into(),
        }
    }
}

/// Connection fields beyond edges and page info.
#[derive(SimpleObject)]
pub struct ProgressEventConnectionFields {
    /// All her events.
    total_count: i64,
}

/// Reads of her history.
#[derive(Debug, Default)]
pub struct HistoryQuery;

#[Object]
impl HistoryQuery {
    /// Her progress history, newest first, paged forward (at most 100 a page): pass the last
    /// edge's cursor as `after` for older events.
    #[graphql(complexity = "page_cost(first, 20, child_complexity)")]
    async fn progress_history(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, ProgressEventView, ProgressEventConnectionFields>> {
        let v = viewer(ctx)?;
        let first = page_size("first", first)?.unwrap_or(PAGE_DEFAULT as u64);
        let before = after
            .map(|c| {
                c.parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| invalid("after", "this is not a cursor of this list"))
            })
            .transpose()?;
        let page = store(ctx)
            .progress_history(v.user_id, first, before)
            .await?;
        let mut connection = Connection::with_additional_fields(
            before.is_some(),
            page.has_next,
            ProgressEventConnectionFields {
                total_count: i64::try_from(page.total).unwrap_or(i64::MAX),
            },
        );
        connection.edges.extend(
            page.items
                .into_iter()
                .map(|e| Edge::new(e.id.to_string(), ProgressEventView::from(e))),
        );
        Ok(connection)
    }
}
