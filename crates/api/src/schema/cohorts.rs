//! Cohorts as coaches run them: creating and editing them, invite codes, co-coaches, the
//! coach role itself, and the tasks coaches add.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{Duration, NaiveDate, Utc};
use herlead_core::{
    PlaybookStep, Role, TaskStatus, User, UserId,
    cohort::{Cohort, CohortTask, SharingLevel},
    input::{
        CohortDescription, CohortName, CohortTaskGuidance, CohortTaskTitle, Email, INVITE_CODE_LEN,
        InviteCode, InviteDays, StallDays,
    },
};
use uuid::Uuid;

use crate::{ApiError, error::Result};

use super::{
    common::{coached, current_role, gid, invalid, parse_id, patch, require_role, store, viewer},
    dashboard::CohortView,
    membership::{CohortTaskProgress, task_progress},
    types::UserView,
};

/// A fresh random invite code.
fn invite_code() -> Result<InviteCode> {
    let mut bytes = [0u8; INVITE_CODE_LEN];
    getrandom::fill(&mut bytes)
        .map_err(|e| ApiError::Internal(format!("no randomness: {e}").into()))?;
    Ok(InviteCode::from_random(bytes))
}

fn stall_days(raw: i32) -> Result<StallDays> {
    Ok(StallDays::parse("stallDays", raw)?)
}

fn invite_days(raw: i32) -> Result<i64> {
    Ok(i64::from(InviteDays::parse("validDays", raw)?.get()))
}

fn dates(starts: Option<NaiveDate>, ends: Option<NaiveDate>) -> Result<()> {
    match (starts, ends) {
        (Some(s), Some(e)) if e < s => {
            Err(invalid("endsOn", "a cohort cannot end before it starts"))
        }
        _ => Ok(()),
    }
}

/// A cohort as one of its members sees it.
#[derive(SimpleObject)]
pub struct MemberCohort {
    pub(crate) id: ID,
    /// Its name.
    pub(crate) name: String,
    /// What it is about.
    pub(crate) description: Option<String>,
    /// First day.
    pub(crate) starts_on: Option<NaiveDate>,
    /// Last day.
    pub(crate) ends_on: Option<NaiveDate>,
    /// What she shares with its coaches.
    pub(crate) sharing: SharingLevel,
}

/// A coach of a cohort.
#[derive(SimpleObject)]
pub struct CohortCoach {
    /// The coach's id.
    pub(crate) id: ID,
    /// The coach's name.
    pub(crate) display_name: String,
    /// Whether she created the cohort.
    pub(crate) owner: bool,
}

/// A task a coach added to a cohort; members mark it themselves.
#[derive(SimpleObject)]
#[graphql(name = "CohortTask")]
pub struct CohortTaskView {
    id: ID,
    /// The cohort.
    cohort_id: ID,
    /// The key its status changes carry in activity feeds (`cohort.<id>`).
    key: String,
    /// Short title.
    title: String,
    /// What to do and why.
    guidance: Option<String>,
    /// The playbook step it belongs to.
    step: PlaybookStep,
    /// When it is due.
    due_on: Option<NaiveDate>,
}

impl From<CohortTask> for CohortTaskView {
    fn from(t: CohortTask) -> Self {
        Self {
            id: gid(t.id),
            cohort_id: gid(t.cohort_id),
            key: t.key(),
            title: t.title.into_string(),
            guidance: t.guidance.map(CohortTaskGuidance::into_string),
            step: t.step,
            due_on: t.due_on,
        }
    }
}

/// How many members finished a cohort task.
#[derive(SimpleObject)]
pub struct CohortTaskCompletion {
    /// The task.
    pub(crate) task: CohortTaskView,
    /// Members who finished it.
    pub(crate) done: i32,
    /// Members for whom it counts (not skipped).
    pub(crate) counted: i32,
    /// done ÷ counted (0 when nobody counts).
    pub(crate) rate: f64,
}

/// A new cohort task.
#[derive(InputObject)]
pub struct CohortTaskInput {
    /// Short title (up to 120 characters).
    title: String,
    /// What to do and why (up to 2,000 characters).
    guidance: Option<String>,
    /// The playbook step it belongs to.
    step: PlaybookStep,
    /// When it is due.
    due_on: Option<NaiveDate>,
}

/// A new cohort.
#[derive(InputObject)]
pub struct CohortInput {
    /// Its name (up to 120 characters).
    name: String,
    /// What it is about (up to 2,000 characters).
    description: Option<String>,
    /// First day.
    starts_on: Option<NaiveDate>,
    /// Last day.
    ends_on: Option<NaiveDate>,
    /// Days without activity after which a member is stalled (1–365, default 14).
    #[graphql(default = 14)]
    stall_days: i32,
}

/// Changes to a cohort; omitted fields stay.
// Null clears the optional fields (description, dates) and keeps the required ones. Said here
// rather than in the description so the SDL stays as it was.
#[derive(InputObject)]
pub struct CohortUpdateInput {
    name: Option<String>,
    description: MaybeUndefined<String>,
    starts_on: MaybeUndefined<NaiveDate>,
    ends_on: MaybeUndefined<NaiveDate>,
    stall_days: Option<i32>,
}

async fn set_role(ctx: &Context<'_>, user_id: ID, role: Role) -> Result<UserView> {
    require_role(ctx, &[Role::Admin]).await?;
    let id = UserId(parse_id("userId", &user_id)?);
    let s = store(ctx);
    let user: User = s
        .user_by_id(id)
        .await?
        .ok_or_else(|| ApiError::not_found("user", "userId"))?;
    if user.role == Role::Admin {
        return Err(invalid(
            "userId",
            "an administrator's role is changed with the admin command",
        ));
    }
    s.set_role(id, role).await?;
    Ok(UserView(User { role, ..user }))
}

/// Cohort reads: hers as a member, and the ones she coaches.
#[derive(Debug, Default)]
pub struct CohortsQuery;

#[Object]
impl CohortsQuery {
    /// Cohorts she belongs to, with what she shares in each.
    async fn my_cohorts(&self, ctx: &Context<'_>) -> Result<Vec<MemberCohort>> {
        let v = viewer(ctx)?;
        Ok(store(ctx)
            .joined_cohorts(v.user_id)
            .await?
            .into_iter()
            .map(|(c, sharing)| MemberCohort {
                id: gid(c.id),
                name: c.name.into_string(),
                description: c.description.map(CohortDescription::into_string),
                starts_on: c.starts_on,
                ends_on: c.ends_on,
                sharing,
            })
            .collect())
    }

    /// Cohorts she coaches.
    async fn coached_cohorts(&self, ctx: &Context<'_>) -> Result<Vec<CohortView>> {
        let (id, role) = current_role(ctx).await?;
        if role != Role::Coach {
            return Ok(vec![]);
        }
        Ok(store(ctx)
            .coached_cohorts(id)
            .await?
            .into_iter()
            .map(CohortView::new)
            .collect())
    }

    /// A cohort she coaches, with its dashboard.
    async fn cohort(&self, ctx: &Context<'_>, id: ID) -> Result<CohortView> {
        let (_, cohort) = coached(ctx, &id, "id").await?;
        Ok(CohortView::new(cohort))
    }
}

/// The coach role and cohort writes.
#[derive(Debug, Default)]
pub struct CohortsMutation;

#[Object]
impl CohortsMutation {
    /// ADMIN: makes a user a coach.
    async fn grant_coach(&self, ctx: &Context<'_>, user_id: ID) -> Result<UserView> {
        set_role(ctx, user_id, Role::Coach).await
    }

    /// ADMIN: makes a coach a member again; she loses access to her cohorts at once.
    async fn revoke_coach(&self, ctx: &Context<'_>, user_id: ID) -> Result<UserView> {
        set_role(ctx, user_id, Role::Member).await
    }

    /// COACH: creates a cohort, with an invite code valid for 14 days.
    async fn create_cohort(&self, ctx: &Context<'_>, input: CohortInput) -> Result<CohortView> {
        let owner = require_role(ctx, &[Role::Coach]).await?;
        dates(input.starts_on, input.ends_on)?;
        let cohort = Cohort {
            id: Uuid::now_v7(),
            name: CohortName::parse("name", &input.name)?,
            description: CohortDescription::parse_optional(
                "description",
                input.description.as_deref(),
            )?,
            starts_on: input.starts_on,
            ends_on: input.ends_on,
            stall_days: stall_days(input.stall_days)?,
            invite_code: invite_code()?,
            invite_expires_at: Utc::now() + Duration::days(i64::from(InviteDays::DEFAULT.get())),
            created_at: Utc::now(),
        };
        Ok(CohortView::new(
            store(ctx).create_cohort(owner, cohort).await?,
        ))
    }

    /// Changes a cohort she coaches.
    async fn update_cohort(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: CohortUpdateInput,
    ) -> Result<CohortView> {
        let (_, mut cohort) = coached(ctx, &id, "id").await?;
        if let Some(name) = input.name {
            cohort.name = CohortName::parse("name", &name)?;
        }
        cohort.description = patch(cohort.description, input.description, |text| {
            Ok(CohortDescription::parse_optional(
                "description",
                Some(&text),
            )?)
        })?;
        cohort.starts_on = patch(cohort.starts_on, input.starts_on, |d| Ok(Some(d)))?;
        cohort.ends_on = patch(cohort.ends_on, input.ends_on, |d| Ok(Some(d)))?;
        dates(cohort.starts_on, cohort.ends_on)?;
        if let Some(days) = input.stall_days {
            cohort.stall_days = stall_days(days)?;
        }
        store(ctx).update_cohort(&cohort).await?;
        Ok(CohortView::new(cohort))
    }

    /// Replaces the invite code of a cohort she coaches; the old code stops working.
    async fn rotate_invite_code(
        &self,
        ctx: &Context<'_>,
        cohort_id: ID,
        #[graphql(default = 14)] valid_days: i32,
    ) -> Result<CohortView> {
        let (_, mut cohort) = coached(ctx, &cohort_id, "cohortId").await?;
        cohort.invite_code = invite_code()?;
        cohort.invite_expires_at = Utc::now() + Duration::days(invite_days(valid_days)?);
        store(ctx).update_cohort(&cohort).await?;
        Ok(CohortView::new(cohort))
    }

    /// Adds a co-coach (an account with the COACH role) to a cohort she coaches.
    async fn add_co_coach(
        &self,
        ctx: &Context<'_>,
        cohort_id: ID,
        email: String,
    ) -> Result<CohortView> {
        let (_, cohort) = coached(ctx, &cohort_id, "cohortId").await?;
        let email = Email::parse("email", &email)?;
        let s = store(ctx);
        let coach = s
            .user_by_email(&email)
            .await?
            .filter(|u| u.role == Role::Coach)
            .ok_or_else(|| invalid("email", "no coach account has this email"))?;
        s.add_coach(cohort.id, coach.id).await?;
        Ok(CohortView::new(cohort))
    }
}

/// Cohort tasks: coaches add them, members set their status.
#[derive(Debug, Default)]
pub struct CohortTasksMutation;

#[Object]
impl CohortTasksMutation {
    /// Adds a task (SELF_REPORTED) to a cohort she coaches.
    async fn add_cohort_task(
        &self,
        ctx: &Context<'_>,
        cohort_id: ID,
        input: CohortTaskInput,
    ) -> Result<CohortTaskView> {
        let (coach, cohort) = coached(ctx, &cohort_id, "cohortId").await?;
        let task = CohortTask {
            id: Uuid::now_v7(),
            cohort_id: cohort.id,
            title: CohortTaskTitle::parse("title", &input.title)?,
            guidance: CohortTaskGuidance::parse_optional("guidance", input.guidance.as_deref())?,
            step: input.step,
            due_on: input.due_on,
            created_at: Utc::now(),
        };
        Ok(store(ctx).add_cohort_task(&task, coach).await?.into())
    }

    /// Sets her status on a task of one of her cohorts.
    async fn set_cohort_task_status(
        &self,
        ctx: &Context<'_>,
        task_id: ID,
        status: TaskStatus,
    ) -> Result<CohortTaskProgress> {
        let v = viewer(ctx)?;
        let id = parse_id("taskId", &task_id)?;
        store(ctx)
            .set_cohort_task_status(v.user_id, id, status)
            .await?
            .map(task_progress)
            .ok_or_else(|| ApiError::not_found("cohort task", "taskId"))
    }
}
