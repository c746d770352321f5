//! Coaches and cohorts: roles, cohorts and invites, membership and sharing, the dashboard,
//! and nudges.

use std::sync::Arc;

use async_graphql::{
    Context, ID, InputObject, Object, SimpleObject,
    connection::{Connection, Edge},
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use herlead_core::{
    PlaybookStep, Role, TaskStatus, User, UserId,
    cohort::{Cohort, CohortTask, CohortTaskState, Nudge, STALL_DAYS_MAX, SharingLevel},
    input::{Email, optional_line, single_line},
    network::{Sector, Stage},
    recommend::RecommendationCode,
};
use tokio::sync::OnceCell;
use uuid::Uuid;

use super::{
    ProgressView, UserView,
    social::{SocialCapitalView, gid, invalid, page_size, parse_id, store},
    viewer,
};
use crate::{
    ApiError,
    dashboard::{self, Dashboard},
    error::Result,
};

/// Characters of invite codes: no 0/O or 1/I/L to misread.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const CODE_LEN: usize = 10;
const INVITE_DAYS_DEFAULT: i32 = 14;
const INVITE_DAYS_MAX: i32 = 90;
const MESSAGE_MAX: usize = 1000;

/// A fresh random invite code.
pub(crate) fn invite_code() -> Result<String> {
    let mut bytes = [0u8; CODE_LEN];
    getrandom::fill(&mut bytes)
        .map_err(|e| ApiError::Internal(format!("no randomness: {e}").into()))?;
    Ok(bytes
        .iter()
        .map(|b| CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()] as char)
        .collect())
}

/// The viewer's current role, read from the database so a revoked role takes effect at once.
pub(crate) async fn current_role(ctx: &Context<'_>) -> Result<(UserId, Role)> {
    let v = viewer(ctx)?;
    let user = store(ctx)
        .user_by_id(v.user_id)
        .await?
        .ok_or_else(|| ApiError::Unauthenticated("this account no longer exists"))?;
    Ok((user.id, user.role))
}

async fn require_role(ctx: &Context<'_>, roles: &[Role]) -> Result<UserId> {
    let (id, role) = current_role(ctx).await?;
    if roles.contains(&role) {
        Ok(id)
    } else {
        Err(ApiError::Forbidden)
    }
}

/// The cohort, if the viewer is one of its coaches (and still a coach); NOT_FOUND otherwise.
pub(crate) async fn coached(
    ctx: &Context<'_>,
    id: &ID,
    field: &'static str,
) -> Result<(UserId, Cohort)> {
    let cohort_id = parse_id(field, id)?;
    let (viewer, role) = current_role(ctx).await?;
    let s = store(ctx);
    let not_found = || ApiError::not_found("cohort", field);
    if role != Role::Coach || !s.is_coach(cohort_id, viewer).await? {
        return Err(not_found());
    }
    let cohort = s.cohort(cohort_id).await?.ok_or_else(not_found)?;
    Ok((viewer, cohort))
}

fn stall_days(raw: i32) -> Result<u32> {
    u32::try_from(raw)
        .ok()
        .filter(|d| (1..=STALL_DAYS_MAX).contains(d))
        .ok_or_else(|| {
            invalid(
                "stallDays",
                &format!("a stall threshold is 1 to {STALL_DAYS_MAX} days"),
            )
        })
}

fn invite_days(raw: i32) -> Result<i64> {
    if (1..=INVITE_DAYS_MAX).contains(&raw) {
        Ok(i64::from(raw))
    } else {
        Err(invalid(
            "validDays",
            &format!("an invite code is valid 1 to {INVITE_DAYS_MAX} days"),
        ))
    }
}

fn dates(starts: Option<NaiveDate>, ends: Option<NaiveDate>) -> Result<()> {
    match (starts, ends) {
        (Some(s), Some(e)) if e < s => {
            Err(invalid("endsOn", "a cohort cannot end before it starts"))
        }
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------
// Output types

/// A cohort as one of its members sees it.
#[derive(SimpleObject)]
pub struct MemberCohort {
    id: ID,
    /// Its name.
    name: String,
    /// What it is about.
    description: Option<String>,
    /// First day.
    starts_on: Option<NaiveDate>,
    /// Last day.
    ends_on: Option<NaiveDate>,
    /// What she shares with its coaches.
    sharing: SharingLevel,
}

/// A coach of a cohort.
#[derive(SimpleObject)]
pub struct CohortCoach {
    /// The coach's id.
    id: ID,
    /// The coach's name.
    display_name: String,
    /// Whether she created the cohort.
    owner: bool,
}

/// A contact a member shares with her coaches.
#[derive(SimpleObject)]
pub struct SharedContact {
    /// Name.
    name: String,
    /// Sector.
    sector: Sector,
    /// Relationship stage.
    stage: Stage,
}

/// The most members a cohort's list can have a cursor into.
const MAX_MEMBER_POSITION: usize = 1_000_000;

/// Parses a `members` cursor: a position in the list, bounded so that nothing derived from
/// it can overflow.
fn member_position(cursor: &str) -> Option<usize> {
    cursor
        .parse::<usize>()
        .ok()
        .filter(|n| *n < MAX_MEMBER_POSITION)
}

/// One member on her coach's dashboard.
pub struct CohortMemberView {
    row: dashboard::MemberRow,
}

#[Object(name = "CohortMember")]
impl CohortMemberView {
    /// Her id.
    async fn id(&self) -> ID {
        ID(self.row.member.user.id.to_string())
    }
    /// Her name.
    async fn display_name(&self) -> &str {
        self.row.member.user.display_name.as_str()
    }
    /// What she shares.
    async fn sharing(&self) -> SharingLevel {
        self.row.member.sharing
    }
    /// When she joined.
    async fn joined_at(&self) -> DateTime<Utc> {
        self.row.member.joined_at
    }
    /// Her progress through the playbook.
    async fn progress(&self) -> ProgressView {
        ProgressView(self.row.summary.progress.clone())
    }
    /// Her social capital and sub-scores. When she shares only her progress, the reach
    /// sub-score comes without its factors: they describe what her network is made of.
    async fn score(&self) -> SocialCapitalView {
        let mut view = SocialCapitalView::from(&self.row.summary.score);
        if self.row.member.sharing == SharingLevel::Progress {
            view.withhold_reach_factors();
        }
        view
    }
    /// Her latest activity (or when she joined).
    async fn last_activity(&self) -> DateTime<Utc> {
        self.row.summary.last_activity
    }
    /// Quiet for longer than the cohort's stall threshold.
    async fn stalled(&self) -> bool {
        self.row.summary.stalled
    }
    /// What she should do next.
    async fn top_recommendation(&self) -> Option<RecommendationCode> {
        self.row.summary.top_recommendation
    }
    /// Her contacts' names, sectors and stages, when she shares them; null otherwise.
    async fn contacts(&self) -> Option<Vec<SharedContact>> {
        self.row.shared_contacts.as_ref().map(|list| {
            list.iter()
                .map(|c| SharedContact {
                    name: c.name.clone(),
                    sector: c.sector,
                    stage: c.stage,
                })
                .collect()
        })
    }
}

/// Members on one step.
#[derive(SimpleObject)]
pub struct StepCount {
    /// The step (null: finished the playbook).
    step: Option<PlaybookStep>,
    /// How many members.
    members: i32,
}

/// Members within a score range.
#[derive(SimpleObject)]
pub struct ScoreBucket {
    /// Lower bound (inclusive).
    from: f64,
    /// Upper bound (exclusive, but 100 is in the last bucket).
    to: f64,
    /// How many members.
    members: i32,
}

/// How many members finished a task.
#[derive(SimpleObject)]
pub struct TaskCompletionRate {
    /// The task.
    task_key: String,
    /// Members with it done.
    done: i32,
    /// Members for whom it counts (not skipped).
    counted: i32,
    /// done ÷ counted.
    rate: f64,
}

/// How many members know someone in a sector.
#[derive(SimpleObject)]
pub struct SectorCoverage {
    /// The sector.
    sector: Sector,
    /// Members with a contact in it.
    members: i32,
}

/// Averages of the four sub-scores.
#[derive(SimpleObject)]
pub struct SubScoreAverages {
    presence: f64,
    reach: f64,
    reciprocity: f64,
    collective_action: f64,
}

/// The cohort at a glance.
#[derive(SimpleObject)]
pub struct CohortAggregates {
    /// Members.
    members: i32,
    /// Stalled members.
    stalled: i32,
    /// Members per current step.
    per_step: Vec<StepCount>,
    /// Mean social capital.
    score_average: f64,
    /// Mean sub-scores.
    sub_score_averages: SubScoreAverages,
    /// Scores in buckets of 20.
    score_distribution: Vec<ScoreBucket>,
    /// Task completion, lowest rate first: the bottlenecks.
    task_completion: Vec<TaskCompletionRate>,
    /// Sector coverage.
    sector_coverage: Vec<SectorCoverage>,
}

fn int(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The order of a cohort's member list.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MemberSort {
    /// Stalled first, then least progress, then longest quiet.
    #[default]
    AtRisk,
    /// Alphabetical by name.
    Name,
    /// Most progress first.
    Progress,
    /// Highest social capital first.
    Score,
    /// Most recent activity first.
    RecentActivity,
}

/// A cohort as its coaches see it.
pub struct CohortView {
    cohort: Cohort,
    dashboard: OnceCell<Arc<Dashboard>>,
}

impl CohortView {
    fn new(cohort: Cohort) -> Self {
        Self {
            cohort,
            dashboard: OnceCell::new(),
        }
    }

    async fn dashboard(&self, ctx: &Context<'_>) -> Result<Arc<Dashboard>> {
        self.dashboard
            .get_or_try_init(|| async {
                ctx.data_unchecked::<Arc<dashboard::Dashboards>>()
                    .get(store(ctx), &self.cohort, Utc::now())
                    .await
                    .map_err(ApiError::from)
            })
            .await
            .cloned()
    }
}

#[Object(name = "Cohort")]
impl CohortView {
    async fn id(&self) -> ID {
        gid(self.cohort.id)
    }
    /// Its name.
    async fn name(&self) -> &str {
        &self.cohort.name
    }
    /// What it is about.
    async fn description(&self) -> Option<&str> {
        self.cohort.description.as_deref()
    }
    /// First day.
    async fn starts_on(&self) -> Option<NaiveDate> {
        self.cohort.starts_on
    }
    /// Last day.
    async fn ends_on(&self) -> Option<NaiveDate> {
        self.cohort.ends_on
    }
    /// Days without activity after which a member is stalled.
    async fn stall_days(&self) -> i32 {
        int(self.cohort.stall_days)
    }
    /// The code members join with.
    async fn invite_code(&self) -> &str {
        &self.cohort.invite_code
    }
    /// When the code stops working.
    async fn invite_expires_at(&self) -> DateTime<Utc> {
        self.cohort.invite_expires_at
    }
    /// Its coaches, owner first.
    async fn coaches(&self, ctx: &Context<'_>) -> Result<Vec<CohortCoach>> {
        Ok(store(ctx)
            .cohort_coaches(self.cohort.id)
            .await?
            .into_iter()
            .map(|(u, owner)| CohortCoach {
                id: ID(u.id.to_string()),
                display_name: u.display_name.as_str().to_owned(),
                owner,
            })
            .collect())
    }
    /// Members, most at risk first unless `sort` says otherwise (ties keep the at-risk
    /// order), paged (at most 100 a page; the cursor is a position in this order).
    #[graphql(complexity = "super::social::page_cost(first, 50, child_complexity)")]
    async fn members(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(default)] sort: MemberSort,
    ) -> Result<Connection<String, CohortMemberView>> {
        let size = page_size("first", first)?.unwrap_or(50);
        let start = match after {
            None => 0,
            Some(cursor) => member_position(&cursor)
                .map(|n| n + 1)
                .ok_or_else(|| invalid("after", "this is not a cursor of this list"))?,
        };
        let dash = self.dashboard(ctx).await?;
        let mut rows: Vec<&dashboard::MemberRow> = dash.rows.iter().collect();
        match sort {
            MemberSort::AtRisk => {}
            MemberSort::Name => rows.sort_by_cached_key(|r| {
                herlead_core::presence::text_key(r.member.user.display_name.as_str())
            }),
            MemberSort::Progress => {
                rows.sort_by_key(|r| std::cmp::Reverse(r.summary.progress.percent))
            }
            MemberSort::Score => {
                rows.sort_by(|a, b| b.summary.score.total.total_cmp(&a.summary.score.total))
            }
            MemberSort::RecentActivity => {
                rows.sort_by_key(|r| std::cmp::Reverse(r.summary.last_activity))
            }
        }
        let end = start
            .saturating_add(usize::try_from(size).unwrap_or(usize::MAX))
            .min(rows.len());
        let mut conn = Connection::new(start > 0, end < rows.len());
        for (i, row) in rows.into_iter().enumerate().take(end).skip(start) {
            conn.edges.push(Edge::new(
                i.to_string(),
                CohortMemberView { row: row.clone() },
            ));
        }
        Ok(conn)
    }
    /// The cohort's own tasks, with their completion.
    async fn tasks(&self, ctx: &Context<'_>) -> Result<Vec<CohortTaskCompletion>> {
        Ok(store(ctx)
            .cohort_task_completion(self.cohort.id)
            .await?
            .into_iter()
            .map(|(task, done, counted)| CohortTaskCompletion {
                task: task.into(),
                done: int(done),
                counted: int(counted),
                rate: if counted == 0 {
                    0.0
                } else {
                    f64::from(done) / f64::from(counted)
                },
            })
            .collect())
    }

    /// Cohort-wide figures.
    async fn aggregates(&self, ctx: &Context<'_>) -> Result<CohortAggregates> {
        let dash = self.dashboard(ctx).await?;
        let a = &dash.aggregates;
        Ok(CohortAggregates {
            members: int(a.members),
            stalled: int(a.stalled),
            per_step: a
                .per_step
                .iter()
                .map(|s| StepCount {
                    step: s.step,
                    members: int(s.members),
                })
                .collect(),
            score_average: a.score_average,
            sub_score_averages: SubScoreAverages {
                presence: a.sub_score_averages[0],
                reach: a.sub_score_averages[1],
                reciprocity: a.sub_score_averages[2],
                collective_action: a.sub_score_averages[3],
            },
            score_distribution: a
                .score_distribution
                .iter()
                .map(|b| ScoreBucket {
                    from: b.from,
                    to: b.to,
                    members: int(b.members),
                })
                .collect(),
            task_completion: a
                .task_completion
                .iter()
                .map(|t| TaskCompletionRate {
                    task_key: t.task_key.clone(),
                    done: int(t.done),
                    counted: int(t.counted),
                    rate: t.rate,
                })
                .collect(),
            sector_coverage: a
                .sector_coverage
                .iter()
                .map(|s| SectorCoverage {
                    sector: s.sector,
                    members: int(s.members),
                })
                .collect(),
        })
    }
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
            title: t.title,
            guidance: t.guidance,
            step: t.step,
            due_on: t.due_on,
        }
    }
}

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

fn task_progress((task, state): (CohortTask, CohortTaskState)) -> CohortTaskProgress {
    CohortTaskProgress {
        task: task.into(),
        status: state.status,
        updated_at: state.updated_at,
        completed_at: state.completed_at,
    }
}

/// How many members finished a cohort task.
#[derive(SimpleObject)]
pub struct CohortTaskCompletion {
    /// The task.
    task: CohortTaskView,
    /// Members who finished it.
    done: i32,
    /// Members for whom it counts (not skipped).
    counted: i32,
    /// done ÷ counted (0 when nobody counts).
    rate: f64,
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
            message: n.message,
            task_key: n.task_key,
            created_at: n.created_at,
            read_at: n.read_at,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Inputs

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
#[derive(InputObject)]
pub struct CohortUpdateInput {
    name: Option<String>,
    description: Option<String>,
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    stall_days: Option<i32>,
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

// ---------------------------------------------------------------------------------------
// Resolvers

/// Cohort reads.
#[derive(Debug, Default)]
pub struct CoachQuery;

#[Object]
impl CoachQuery {
    /// Cohorts she belongs to, with what she shares in each.
    async fn my_cohorts(&self, ctx: &Context<'_>) -> Result<Vec<MemberCohort>> {
        let v = viewer(ctx)?;
        Ok(store(ctx)
            .joined_cohorts(v.user_id)
            .await?
            .into_iter()
            .map(|(c, sharing)| MemberCohort {
                id: gid(c.id),
                name: c.name,
                description: c.description,
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

/// Role, cohort and nudge writes.
#[derive(Debug, Default)]
pub struct CoachMutation;

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

#[Object]
impl CoachMutation {
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
            name: single_line("name", &input.name, 120, "a name")?,
            description: optional_line(
                "description",
                input.description.as_deref(),
                2000,
                "a description",
            )?,
            starts_on: input.starts_on,
            ends_on: input.ends_on,
            stall_days: stall_days(input.stall_days)?,
            invite_code: invite_code()?,
            invite_expires_at: Utc::now() + Duration::days(i64::from(INVITE_DAYS_DEFAULT)),
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
            cohort.name = single_line("name", &name, 120, "a name")?;
        }
        if let Some(text) = input.description {
            cohort.description = optional_line("description", Some(&text), 2000, "a description")?;
        }
        cohort.starts_on = input.starts_on.or(cohort.starts_on);
        cohort.ends_on = input.ends_on.or(cohort.ends_on);
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

    /// Joins a cohort with its invite code, sharing PROGRESS unless she chooses more.
    async fn join_cohort(
        &self,
        ctx: &Context<'_>,
        code: String,
        #[graphql(default_with = "SharingLevel::Progress")] sharing: SharingLevel,
    ) -> Result<MemberCohort> {
        let v = viewer(ctx)?;
        let code = code.trim().to_uppercase();
        let s = store(ctx);
        // Only a string that could be a code reaches the database.
        let cohort = if code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b)) {
            s.cohort_by_invite(&code).await?
        } else {
            None
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
            name: cohort.name,
            description: cohort.description,
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

    /// Sends a nudge to one member, or to every stalled member, of a cohort she coaches.
    async fn send_nudge(&self, ctx: &Context<'_>, input: NudgeInput) -> Result<Vec<NudgeView>> {
        let (coach, cohort) = coached(ctx, &input.cohort_id, "cohortId").await?;
        let message = single_line("message", &input.message, MESSAGE_MAX, "a message")?;
        if let Some(key) = &input.task_key
            && herlead_core::Playbook::standard().task(key).is_none()
        {
            return Err(invalid("taskKey", "no task of the playbook has this key"));
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
            title: single_line("title", &input.title, 120, "a title")?,
            guidance: optional_line("guidance", input.guidance.as_deref(), 2000, "guidance")?,
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
