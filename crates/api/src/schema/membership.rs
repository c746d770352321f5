//! Membership: joining with an invite code, leaving (or being removed), what she shares,
//! and her cohort tasks.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use herlead_core::{
    TaskStatus, UserId,
    cohort::{CohortTask, CohortTaskState, SharingLevel},
    input::InviteCode,
};

use crate::{ApiError, error::Result};

use super::{
    cohorts::{CohortTaskView, MemberCohort},
    common::{coached, gid, invalid, parse_id, store, viewer},
};

/// Where she stands on a cohort task.
#[derive(SimpleObject)]
pub struct CohortTaskProgress {
    /// The task.
    task: CohortTaskView,
    /// Her status.
    status: TaskStatus,
    /// When it last changed.
    updated_at: Option<DateTime<Utc>>,
    /// When she completed it.
    completed_at: Option<DateTime<Utc>>,
}

pub(crate) fn task_progress((task, state): (CohortTask, CohortTaskState)) -> CohortTaskProgress {
    CohortTaskProgress {
        task: task.into(),
        status: state.status,
        updated_at: state.updated_at,
        completed_at: state.completed_at,
    }
}

/// Her cohort tasks.
#[derive(Debug, Default)]
pub struct MembershipQuery;

#[Object]
impl MembershipQuery {
    /// The tasks her coaches added to her cohorts, soonest due first, with her status on
    /// each. They sit beside the playbook's tasks in their step; the playbook's percent counts
    /// only its own tasks.
    async fn my_cohort_tasks(&self, ctx: &Context<'_>) -> Result<Vec<CohortTaskProgress>> {
        let v = viewer(ctx)?;
        Ok(store(ctx)
            .member_cohort_tasks(v.user_id)
            .await?
            .into_iter()
            .map(task_progress)
            .collect())
    }
}

/// Joining, leaving, sharing and removing members.
#[derive(Debug, Default)]
pub struct MembershipMutation;

#[Object]
impl MembershipMutation {
    /// Joins a cohort with its invite code, sharing PROGRESS unless she chooses more.
    async fn join_cohort(
        &self,
        ctx: &Context<'_>,
        code: String,
        #[graphql(default_with = "SharingLevel::Progress")] sharing: SharingLevel,
    ) -> Result<MemberCohort> {
        let v = viewer(ctx)?;
        let s = store(ctx);
        // Only a string that could be a code reaches the database.
        let cohort = match InviteCode::parse(&code) {
            Some(code) => s.cohort_by_invite(code.as_str()).await?,
            None => None,
        };
        let cohort = cohort.ok_or_else(|| ApiError::not_found("invite code", "code"))?;
        if cohort.invite_expires_at <= Utc::now() {
            return Err(invalid(
                "code",
                "this invite code has expired; ask your coach for a new one",
            ));
        }
        if s.is_coach(cohort.id, v.user_id).await? {
            return Err(invalid("code", "you coach this cohort"));
        }
        s.join_cohort(cohort.id, v.user_id, sharing).await?;
        Ok(MemberCohort {
            id: gid(cohort.id),
            name: cohort.name.into_string(),
            description: cohort
                .description
                .map(herlead_core::input::CohortDescription::into_string),
            starts_on: cohort.starts_on,
            ends_on: cohort.ends_on,
            sharing,
        })
    }

    /// Leaves a cohort; its coaches stop seeing her at once.
    async fn leave_cohort(&self, ctx: &Context<'_>, cohort_id: ID) -> Result<bool> {
        let v = viewer(ctx)?;
        let id = parse_id("cohortId", &cohort_id)?;
        if store(ctx).leave_cohort(id, v.user_id).await? {
            Ok(true)
        } else {
            Err(ApiError::not_found("cohort", "cohortId"))
        }
    }

    /// Changes what she shares with a cohort's coaches.
    async fn set_sharing(
        &self,
        ctx: &Context<'_>,
        cohort_id: ID,
        sharing: SharingLevel,
    ) -> Result<SharingLevel> {
        let v = viewer(ctx)?;
        let id = parse_id("cohortId", &cohort_id)?;
        if store(ctx).set_sharing(id, v.user_id, sharing).await? {
            Ok(sharing)
        } else {
            Err(ApiError::not_found("cohort", "cohortId"))
        }
    }

    /// Removes a member from a cohort she coaches.
    async fn remove_member(&self, ctx: &Context<'_>, cohort_id: ID, user_id: ID) -> Result<bool> {
        let (_, cohort) = coached(ctx, &cohort_id, "cohortId").await?;
        let member = UserId(parse_id("userId", &user_id)?);
        if store(ctx).leave_cohort(cohort.id, member).await? {
            Ok(true)
        } else {
            Err(ApiError::not_found("member", "userId"))
        }
    }
}
