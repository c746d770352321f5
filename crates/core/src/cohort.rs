//! Coaching cohorts: what a member shares, and the dashboard a coach reads, computed from
//! members' data by pure functions.

use std::{cmp::Ordering, collections::HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    network::{Sector, storage_names},
    playbook::{Playbook, PlaybookStep},
    progress::{Progress, TaskRecord, TaskStatus},
    recommend::{RecommendationCode, recommend},
    rules::Snapshot,
    score::{SocialCapital, social_capital},
    user::UserId,
};

/// The longest stall threshold a cohort may set, in days.
pub const STALL_DAYS_MAX: u32 = 365;

/// What a member shows the coaches of a cohort. Notes and interaction texts are never shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SharingLevel {
    /// Task statuses, step progress, score and sub-scores, last activity.
    #[default]
    Progress,
    /// All of that, plus her contacts' names, sectors and stages.
    ProgressAndContacts,
}
storage_names!(SharingLevel { Progress => "PROGRESS", ProgressAndContacts => "PROGRESS_AND_CONTACTS" });

/// A coaching cohort.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cohort {
    /// Identifier.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// What it is about.
    pub description: Option<String>,
    /// First day.
    pub starts_on: Option<NaiveDate>,
    /// Last day.
    pub ends_on: Option<NaiveDate>,
    /// Days without activity after which a member counts as stalled.
    pub stall_days: u32,
    /// The code members join with.
    pub invite_code: String,
    /// When the code stops working.
    pub invite_expires_at: DateTime<Utc>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// A task a coach adds to her cohort; members mark it themselves (SELF_REPORTED).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortTask {
    /// Identifier.
    pub id: Uuid,
    /// The cohort.
    pub cohort_id: Uuid,
    /// Short title.
    pub title: String,
    /// What to do and why.
    pub guidance: Option<String>,
    /// The playbook step it belongs to.
    pub step: PlaybookStep,
    /// When it is due.
    pub due_on: Option<NaiveDate>,
    /// When it was added.
    pub created_at: DateTime<Utc>,
}

impl CohortTask {
    /// The key its status changes carry in activity feeds: `cohort.<id>`.
    pub fn key(&self) -> String {
        format!("cohort.{}", self.id)
    }
}

/// Where one member stands on one cohort task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortTaskState {
    /// Its status (NOT_STARTED when nothing was recorded).
    pub status: TaskStatus,
    /// When it last changed.
    pub updated_at: Option<DateTime<Utc>>,
    /// When it was completed, while DONE.
    pub completed_at: Option<DateTime<Utc>>,
}

/// A coach's message to a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nudge {
    /// Identifier.
    pub id: Uuid,
    /// The cohort it was sent in.
    pub cohort_id: Uuid,
    /// Who sent it.
    pub coach_id: UserId,
    /// Who receives it.
    pub member_id: UserId,
    /// The message.
    pub message: String,
    /// The task it points to, if any.
    pub task_key: Option<String>,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// When she read it.
    pub read_at: Option<DateTime<Utc>>,
}

/// One member as her coach sees her.
#[derive(Debug, Clone)]
pub struct MemberSummary {
    /// Who.
    pub user_id: UserId,
    /// Her progress through the playbook, without her notes.
    pub progress: Progress,
    /// Her social capital.
    pub score: SocialCapital,
    /// Her latest recorded activity (or when she joined, if nothing since).
    pub last_activity: DateTime<Utc>,
    /// No activity for longer than the cohort's stall threshold.
    pub stalled: bool,
    /// What she should do next.
    pub top_recommendation: Option<RecommendationCode>,
}

/// Summarizes one member at `now`.
pub fn summarize(
    user_id: UserId,
    snapshot: &Snapshot,
    records: &[TaskRecord],
    last_activity: DateTime<Utc>,
    stall_days: u32,
    now: DateTime<Utc>,
) -> MemberSummary {
    let skipped: HashSet<String> = records
        .iter()
        .filter(|r| r.status == TaskStatus::Skipped)
        .map(|r| r.task_key.clone())
        .collect();
    // Her notes are hers: a coach sees statuses and times, never the text.
    let mut progress = Progress::compute(Playbook::standard(), records);
    for task in progress.steps.iter_mut().flat_map(|s| s.tasks.iter_mut()) {
        task.note = None;
    }
    MemberSummary {
        user_id,
        progress,
        score: social_capital(snapshot, now),
        last_activity,
        stalled: now - last_activity > Duration::days(i64::from(stall_days)),
        top_recommendation: recommend(snapshot, now, &skipped).first().map(|r| r.code),
    }
}

/// Most at risk first: stalled members, then the least progress, then the longest quiet, then
/// by id so the order is total.
pub fn at_risk_order(a: &MemberSummary, b: &MemberSummary) -> Ordering {
    b.stalled
        .cmp(&a.stalled)
        .then(a.progress.percent.cmp(&b.progress.percent))
        .then(a.last_activity.cmp(&b.last_activity))
        .then(a.user_id.cmp(&b.user_id))
}

/// How many members are on each step (`None`: finished).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepCount {
    /// The step, or `None` for members who finished.
    pub step: Option<PlaybookStep>,
    /// Members on it.
    pub members: u32,
}

/// Members whose score falls in `[from, to)` (the last bucket includes 100).
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreBucket {
    /// Lower bound.
    pub from: f64,
    /// Upper bound.
    pub to: f64,
    /// Members in it.
    pub members: u32,
}

/// How many members finished a task.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskCompletionRate {
    /// The task.
    pub task_key: String,
    /// Members with it DONE.
    pub done: u32,
    /// Members for whom it counts (not skipped).
    pub counted: u32,
    /// done ÷ counted, 0 when nobody counts.
    pub rate: f64,
}

/// How many members know someone in a sector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectorCoverage {
    /// The sector.
    pub sector: Sector,
    /// Members with at least one contact in it.
    pub members: u32,
}

/// The cohort at a glance.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregates {
    /// Members.
    pub members: u32,
    /// Stalled members.
    pub stalled: u32,
    /// Members per current step.
    pub per_step: Vec<StepCount>,
    /// Mean total score.
    pub score_average: f64,
    /// Mean sub-scores: presence, reach, reciprocity, collective action.
    pub sub_score_averages: [f64; 4],
    /// Scores in buckets of 20.
    pub score_distribution: Vec<ScoreBucket>,
    /// Completion of every task, lowest rate first: the bottlenecks.
    pub task_completion: Vec<TaskCompletionRate>,
    /// Sector coverage across members.
    pub sector_coverage: Vec<SectorCoverage>,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Aggregates member summaries (and their snapshots, for sector coverage).
pub fn aggregate(summaries: &[MemberSummary], snapshots: &[&Snapshot]) -> Aggregates {
    let n = summaries.len();
    let mean = |f: &dyn Fn(&MemberSummary) -> f64| {
        if n == 0 {
            0.0
        } else {
            summaries.iter().map(f).sum::<f64>() / n as f64
        }
    };
    let mut per_step: Vec<StepCount> = PlaybookStep::ALL
        .iter()
        .map(|s| Some(*s))
        .chain([None])
        .map(|step| StepCount {
            step,
            members: count(
                summaries
                    .iter()
                    .filter(|m| m.progress.current_step == step)
                    .count(),
            ),
        })
        .collect();
    per_step.retain(|s| s.step.is_some() || s.members > 0);
    let score_distribution = (0..5)
        .map(|i| {
            let from = f64::from(i) * 20.0;
            let to = from + 20.0;
            ScoreBucket {
                from,
                to,
                members: count(
                    summaries
                        .iter()
                        .filter(|m| {
                            m.score.total >= from
                                && (m.score.total < to || (i == 4 && m.score.total <= to))
                        })
                        .count(),
                ),
            }
        })
        .collect();
    let mut task_completion: Vec<TaskCompletionRate> = Playbook::standard()
        .tasks()
        .map(|task| {
            let statuses = summaries.iter().map(|m| {
                m.progress
                    .steps
                    .iter()
                    .flat_map(|s| &s.tasks)
                    .find(|t| t.task.key == task.key)
                    .map_or(TaskStatus::NotStarted, |t| t.status)
            });
            let (done, counted) = statuses.fold((0u32, 0u32), |(d, c), s| match s {
                TaskStatus::Done => (d + 1, c + 1),
                TaskStatus::Skipped => (d, c),
                _ => (d, c + 1),
            });
            TaskCompletionRate {
                task_key: task.key.clone(),
                done,
                counted,
                rate: if counted == 0 {
                    0.0
                } else {
                    f64::from(done) / f64::from(counted)
                },
            }
        })
        .collect();
    task_completion.sort_by(|a, b| a.rate.total_cmp(&b.rate));
    let sector_coverage = Sector::ALL
        .iter()
        .map(|sector| SectorCoverage {
            sector: *sector,
            members: count(
                snapshots
                    .iter()
                    .filter(|s| s.contacts.iter().any(|c| c.sector == *sector))
                    .count(),
            ),
        })
        .collect();
    Aggregates {
        members: count(n),
        stalled: count(summaries.iter().filter(|m| m.stalled).count()),
        per_step,
        score_average: mean(&|m| m.score.total),
        sub_score_averages: [
            mean(&|m| m.score.presence.score),
            mean(&|m| m.score.reach.score),
            mean(&|m| m.score.reciprocity.score),
            mean(&|m| m.score.collective_action.score),
        ],
        score_distribution,
        task_completion,
        sector_coverage,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{Scope, tests::contact};

    fn member(records: &[TaskRecord], snapshot: &Snapshot, days_quiet: i64) -> MemberSummary {
        let now = DateTime::UNIX_EPOCH + Duration::days(100);
        summarize(
            UserId::new(),
            snapshot,
            records,
            now - Duration::days(days_quiet),
            14,
            now,
        )
    }

    fn done(key: &str) -> TaskRecord {
        TaskRecord {
            task_key: key.into(),
            status: TaskStatus::Done,
            note: None,
            updated_at: DateTime::UNIX_EPOCH,
            completed_at: None,
        }
    }

    #[test]
    fn test_stalled_members_sort_first_then_least_progress() {
        let empty = Snapshot::default();
        let quiet = member(&[done("position.website")], &empty, 30);
        let behind = member(&[], &empty, 1);
        let ahead = member(
            &[done("position.website"), done("position.tell_your_story")],
            &empty,
            1,
        );
        assert!(quiet.stalled && !behind.stalled);
        let mut list = [ahead.clone(), behind.clone(), quiet.clone()];
        list.sort_by(at_risk_order);
        let ids: Vec<_> = list.iter().map(|m| m.user_id).collect();
        assert_eq!(ids, [quiet.user_id, behind.user_id, ahead.user_id]);
        assert_eq!(
            behind.top_recommendation,
            Some(RecommendationCode::AddWebsite)
        );
    }

    #[test]
    fn test_aggregates_count_steps_buckets_bottlenecks_and_sectors() {
        let mut with_media = Snapshot::default();
        with_media
            .contacts
            .push(contact(Sector::Media, Scope::City));
        let empty = Snapshot::default();
        let a = member(&[done("position.website")], &with_media, 1);
        let b = member(&[], &empty, 30);
        let agg = aggregate(&[a, b], &[&with_media, &empty]);
        assert_eq!(agg.members, 2);
        assert_eq!(agg.stalled, 1);
        assert_eq!(
            agg.per_step[0],
            StepCount {
                step: Some(PlaybookStep::Position),
                members: 2
            }
        );
        assert_eq!(
            agg.score_distribution
                .iter()
                .map(|b| b.members)
                .sum::<u32>(),
            2
        );
        let website = agg
            .task_completion
            .iter()
            .find(|t| t.task_key == "position.website")
            .expect("task");
        assert_eq!((website.done, website.counted, website.rate), (1, 2, 0.5));
        assert_eq!(agg.task_completion[0].rate, 0.0, "bottlenecks first");
        let media = agg
            .sector_coverage
            .iter()
            .find(|s| s.sector == Sector::Media)
            .expect("media");
        assert_eq!(media.members, 1);
        assert_eq!(aggregate(&[], &[]).score_average, 0.0);
    }
}
