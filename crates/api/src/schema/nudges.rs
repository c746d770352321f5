//! Nudges: coaches' messages to members, and reading them.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use herlead_core::{TaskKey, UserId, cohort::Nudge, input::NudgeMessage};
use uuid::Uuid;

use crate::{
    ApiError,
    dashboard::{self},
    error::Result,
};

use super::common::{coached, gid, invalid, parse_id, store, viewer};

/// A coach's message.
#[derive(SimpleObject)]
#[graphql(name = "Nudge")]
pub struct NudgeView {
    id: ID,
    /// The cohort it was sent in.
    cohort_id: ID,
    /// The coach who sent it.
    coach_id: ID,
    /// Who receives it.
    member_id: ID,
    /// The message.
    message: String,
    /// The task it points to.
    task_key: Option<String>,
    /// When it was sent.
    created_at: DateTime<Utc>,
    /// When she read it.
    read_at: Option<DateTime<Utc>>,
}

impl From<Nudge> for NudgeView {
    fn from(n: Nudge) -> Self {
        Self {
            id: gid(n.id),
            cohort_id: gid(n.cohort_id),
            coach_id: ID(n.coach_id.to_string()),
            member_id: ID(n.member_id.to_string()),
            message: n.message.into_string(),
            task_key: n.task_key,
            created_at: n.created_at,
            read_at: n.read_at,
        }
    }
}

/// A nudge to one member, or to every stalled member.
#[derive(InputObject)]
pub struct NudgeInput {
    /// The cohort.
    cohort_id: ID,
    /// One member; omit with `stalledOnly: true` to nudge every stalled member.
    member_id: Option<ID>,
    /// Nudge every stalled member of the cohort.
    #[graphql(default)]
    stalled_only: bool,
    /// The message (up to 1,000 characters).
    message: String,
    /// A playbook task to point her to.
    task_key: Option<String>,
}

/// Her nudges.
#[derive(Debug, Default)]
pub struct NudgesQuery;

#[Object]
impl NudgesQuery {
    /// Her nudges, newest first.
    async fn my_nudges(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] unread_only: bool,
    ) -> Result<Vec<NudgeView>> {
        let v = viewer(ctx)?;
        Ok(store(ctx)
            .nudges_for(v.user_id, unread_only)
            .await?
            .into_iter()
            .map(NudgeView::from)
            .collect())
    }
}

/// Sending nudges.
#[derive(Debug, Default)]
pub struct NudgesMutation;

#[Object]
impl NudgesMutation {
    /// Sends a nudge to one member, or to every stalled member, of a cohort she coaches.
    async fn send_nudge(&self, ctx: &Context<'_>, input: NudgeInput) -> Result<Vec<NudgeView>> {
        let (coach, cohort) = coached(ctx, &input.cohort_id, "cohortId").await?;
        let message = NudgeMessage::parse("message", &input.message)?;
        if let Some(key) = &input.task_key {
            TaskKey::parse("taskKey", key)?;
        }
        let s = store(ctx);
        let recipients: Vec<UserId> = match (&input.member_id, input.stalled_only) {
            (Some(id), false) => {
                let member = UserId(parse_id("memberId", id)?);
                if s.membership(cohort.id, member).await?.is_none() {
                    return Err(ApiError::not_found("member", "memberId"));
                }
                vec![member]
            }
            (None, true) => dashboard::load(s, &cohort, Utc::now())
                .await?
                .rows
                .iter()
                .filter(|r| r.summary.stalled)
                .map(|r| r.member.user.id)
                .collect(),
            _ => {
                return Err(invalid(
                    "memberId",
                    "name one member, or set stalledOnly to nudge every stalled member",
                ));
            }
        };
        let now = herlead_store::now();
        let nudges: Vec<Nudge> = recipients
            .into_iter()
            .map(|member_id| Nudge {
                id: Uuid::now_v7(),
                cohort_id: cohort.id,
                coach_id: coach,
                member_id,
                message: message.clone(),
                task_key: input.task_key.clone(),
                created_at: now,
                read_at: None,
            })
            .collect();
        s.add_nudges(&nudges).await?;
        Ok(nudges.into_iter().map(NudgeView::from).collect())
    }
}

/// Marking a nudge read.
#[derive(Debug, Default)]
pub struct NudgeReadMutation;

#[Object]
impl NudgeReadMutation {
    /// Marks one of her nudges read.
    async fn mark_nudge_read(&self, ctx: &Context<'_>, id: ID) -> Result<NudgeView> {
        let v = viewer(ctx)?;
        let id = parse_id("id", &id)?;
        store(ctx)
            .mark_nudge_read(v.user_id, id)
            .await?
            .map(NudgeView::from)
            .ok_or_else(|| ApiError::not_found("nudge", "id"))
    }
}
