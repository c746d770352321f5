//! A coach's view of a cohort: members with progress, score and stall, what they share,
//! and the cohort's aggregates.

use std::sync::Arc;

use async_graphql::{
    Context, ID, Object, SimpleObject,
    connection::{Connection, Edge},
};
use chrono::{DateTime, NaiveDate, Utc};
use herlead_core::{
    PlaybookStep,
    cohort::{Cohort, SharingLevel},
    network::{Sector, Stage},
    recommend::RecommendationCode,
};
use tokio::sync::OnceCell;

use crate::{
    ApiError,
    dashboard::{self, Dashboard},
    error::Result,
};

use super::{
    cohorts::{CohortCoach, CohortTaskCompletion},
    common::{gid, invalid, page_size, store},
    guidance::SocialCapitalView,
    types::ProgressView,
};

/// A contact a member shares with her coaches.
#[derive(SimpleObject)]
pub struct SharedContact {
    /// Name.
    name: String,
    /// Sector; null while she has not classified them.
    sector: Option<Sector>,
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
    pub(crate) fn new(cohort: Cohort) -> Self {
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
        int(self.cohort.stall_days.get())
    }
    /// The code members join with.
    async fn invite_code(&self) -> &str {
        self.cohort.invite_code.as_str()
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
    #[graphql(complexity = "super::common::page_cost(first, 50, child_complexity)")]
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
