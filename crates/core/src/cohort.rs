//! Coaching cohorts: what a member shares, and the dashboard a coach reads, computed from
//! members' data by pure functions.

use std::{
    cmp::Ordering,
    collections::{HashMap, HashSet},
};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    input::{
        CohortDescription, CohortName, CohortTaskGuidance, CohortTaskTitle, InviteCode,
        NudgeMessage, StallDays,
    },
    network::{Sector, storage_names},
    playbook::{Playbook, PlaybookStep},
    progress::{Progress, TaskRecord, TaskStatus},
    recommend::{Focus, RecommendationCode, recommend_with},
    rules::{Inputs, Snapshot},
    score::{SocialCapital, social_capital_inputs},
    user::UserId,
};

pub use crate::input::STALL_DAYS_MAX;

/// What a member shows the coaches of a cohort. Notes and interaction texts are never shown.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SharingLevel {
    /// Task statuses, step progress, score and sub-scores, last activity. Not what her
    /// network is made of: the reach sub-score comes without its factors, and her contacts'
    /// sectors count in the cohort's sector coverage only among at least
    /// [`MIN_GROUP_FOR_SECTORS`] members who share at this level.
    #[default]
    Progress,
    /// All of that, plus her contacts' names, sectors and stages.
    ProgressAndContacts,
}
storage_names!(SharingLevel);

/// A coaching cohort.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cohort {
    /// Identifier.
    pub id: Uuid,
    /// Its name.
    pub name: CohortName,
    /// What it is about.
    pub description: Option<CohortDescription>,
    /// First day.
    pub starts_on: Option<NaiveDate>,
    /// Last day.
    pub ends_on: Option<NaiveDate>,
    /// Days without activity after which a member counts as stalled.
    pub stall_days: StallDays,
    /// The code members join with.
    pub invite_code: InviteCode,
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
    pub title: CohortTaskTitle,
    /// What to do and why.
    pub guidance: Option<CohortTaskGuidance>,
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
    pub message: NudgeMessage,
    /// The task it points to, if any.
    pub task_key: Option<String>,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// When she read it.
    pub read_at: Option<DateTime<Utc>>,
}

/// One member as her coach sees her.
#[derive(Debug, Clone, PartialEq)]
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

/// Whether a member whose latest activity was `last_activity` is stalled at `now`: quiet for
/// longer than `stall_days`.
pub fn is_stalled(last_activity: DateTime<Utc>, stall_days: u32, now: DateTime<Utc>) -> bool {
    now - last_activity > Duration::days(i64::from(stall_days))
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
    summarize_with(
        user_id,
        &snapshot.inputs(),
        &Focus::of(snapshot, now),
        records,
        last_activity,
        stall_days,
        now,
    )
}

/// [`summarize`] from what it reads: the rules' inputs and the contacts her recommendations
/// name (a few rows per member, whatever the size of her network).
pub fn summarize_with(
    user_id: UserId,
    inputs: &Inputs<'_>,
    focus: &Focus,
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
        score: social_capital_inputs(inputs, now),
        last_activity,
        stalled: is_stalled(last_activity, stall_days, now),
        top_recommendation: recommend_with(inputs, focus, now, &skipped)
            .first()
            .map(|r| r.code),
    }
}

/// The first instant after `now` at which [`summarize`]'s score and top recommendation for
/// this snapshot could differ from their value at `now`, or `None` when nothing in the data
/// moves with the clock any more. (Whether she is stalled is not covered: callers recompute
/// it from the last activity.)
///
/// Time enters the summary in three ways, and each gives candidate instants: a dated
/// interaction or meeting passing from future to past (`occurred_at`), an in-person meeting
/// leaving the 12-month real-world window (`occurred_at` + the window), and a contact's
/// keep-in-touch cadence running out (each of her touches, or the day she was added, plus her
/// cadence). The answer is the earliest candidate after `now`; a superset of the real change
/// points is safe, it only makes a cache recompute sooner.
pub fn summary_stable_until(s: &Snapshot, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let window = Duration::days(crate::community::REAL_WORLD_WINDOW_DAYS);
    let stages = s.stages();
    let mut candidates: Vec<DateTime<Utc>> = Vec::new();
    candidates.extend(s.interactions.iter().map(|i| i.occurred_at));
    for m in &s.meetings {
        candidates.push(m.occurred_at);
        // Counts while `now - occurred_at <= window`: the first instant it no longer does.
        candidates.push(m.occurred_at + window + Duration::nanoseconds(1));
    }
    // Each contact's cadence, then one pass over her history (not one per contact).
    let mut cadences: HashMap<Uuid, Duration> = HashMap::new();
    for c in &s.contacts {
        let stage = stages
            .get(&c.id)
            .copied()
            .unwrap_or(crate::network::Stage::Identified);
        let Some(cadence) = crate::reconnect::cadence_days(c, stage) else {
            continue;
        };
        let cadence = Duration::days(i64::from(cadence));
        candidates.push(c.created_at + cadence);
        cadences.insert(c.id, cadence);
    }
    for i in &s.interactions {
        if let Some(cadence) = cadences.get(&i.contact_id) {
            candidates.push(i.occurred_at + *cadence);
        }
    }
    for m in &s.meetings {
        for a in &m.attendees {
            if let Some(cadence) = cadences.get(a) {
                candidates.push(m.occurred_at + *cadence);
            }
        }
    }
    candidates.into_iter().filter(|t| *t > now).min()
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

/// The fewest members sharing only [`SharingLevel::Progress`] whose contacts' sectors may be
/// counted in a cohort's sector coverage (k-anonymity): with fewer, a coach could read one
/// member's sectors off the aggregate.
pub const MIN_GROUP_FOR_SECTORS: usize = 5;

/// What each member's contacts contribute to the cohort's sector coverage, given what she
/// shares: her sectors when she shares her contacts, or when at least
/// [`MIN_GROUP_FOR_SECTORS`] members share only their progress; nothing otherwise.
pub fn countable_sectors<'a>(members: &[(SharingLevel, &'a [Sector])]) -> Vec<&'a [Sector]> {
    let progress_only = members
        .iter()
        .filter(|(level, _)| *level == SharingLevel::Progress)
        .count();
    members
        .iter()
        .map(|(level, sectors)| {
            if *level == SharingLevel::Progress && progress_only < MIN_GROUP_FOR_SECTORS {
                &[][..]
            } else {
                *sectors
            }
        })
        .collect()
}

/// The sectors a member has contacts in, each once, in [`Sector::ALL`] order: all that the
/// cohort's sector coverage needs of her contacts.
pub fn contact_sectors(s: &Snapshot) -> Vec<Sector> {
    Sector::ALL
        .iter()
        .copied()
        .filter(|sector| s.contacts.iter().any(|c| c.sector == Some(*sector)))
        .collect()
}

/// Aggregates member summaries (and the sectors each member's contacts cover, from
/// [`contact_sectors`], for sector coverage).
pub fn aggregate(summaries: &[MemberSummary], sectors: &[&[Sector]]) -> Aggregates {
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
                sectors
                    .iter()
                    .filter(|covered| covered.contains(sector))
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
    use crate::{recommend::recommend, score::social_capital};

    #[test]
    fn test_sectors_of_members_sharing_only_progress_count_only_in_a_large_enough_group() {
        let media: &[Sector] = &[Sector::Media];
        let both: &[Sector] = &[Sector::Media, Sector::Academia];
        let few = [
            (SharingLevel::Progress, media),
            (SharingLevel::ProgressAndContacts, both),
        ];
        assert_eq!(countable_sectors(&few), vec![&[][..], both]);
        let many: Vec<_> = (0..MIN_GROUP_FOR_SECTORS)
            .map(|_| (SharingLevel::Progress, media))
            .chain([(SharingLevel::ProgressAndContacts, both)])
            .collect();
        let counted = countable_sectors(&many);
        assert!(
            counted
                .iter()
                .take(MIN_GROUP_FOR_SECTORS)
                .all(|s| *s == media)
        );
        assert_eq!(counted[MIN_GROUP_FOR_SECTORS], both);
    }

    mod stable {
        use proptest::prelude::*;

        use super::*;
        use crate::{
            community::{Community, CommunityKind, CommunityRole, Meeting},
            network::{Interaction, InteractionKind},
        };

        fn day(d: i64) -> DateTime<Utc> {
            DateTime::UNIX_EPOCH + Duration::days(d)
        }

        prop_compose! {
            fn snapshot()(
                contacts in prop::collection::vec(
                    (0usize..5, any::<bool>(), prop::option::of(1i32..90), 0i64..300), 0..8),
                interactions in prop::collection::vec((0usize..8, 0usize..13, 0i64..900), 0..16),
                communities in prop::collection::vec(0usize..3, 0..3),
                meetings in prop::collection::vec(
                    (0usize..3, 0i64..900, any::<bool>(), prop::collection::vec(0usize..8, 0..3)), 0..5),
            ) -> Snapshot {
                let contacts: Vec<_> = contacts
                    .into_iter()
                    .map(|(sector, meet, cadence, added)| {
                        let mut c = contact(Sector::ALL[sector], Scope::City);
                        c.on_meet_list = meet;
                        c.cadence_days = cadence.map(|d| {
                            crate::input::CadenceDays::parse("cadence", d).expect("in range")
                        });
                        c.created_at = day(added);
                        c
                    })
                    .collect();
                let interactions = if contacts.is_empty() { vec![] } else {
                    interactions
                        .into_iter()
                        .map(|(c, k, d)| Interaction {
                            id: Uuid::new_v4(),
                            contact_id: contacts[c % contacts.len()].id,
                            kind: InteractionKind::ALL[k % InteractionKind::ALL.len()],
                            occurred_at: day(d),
                            note: None,
                        })
                        .collect()
                };
                let kinds = [CommunityKind::Online, CommunityKind::InPerson, CommunityKind::Hybrid];
                let communities: Vec<Community> = communities
                    .into_iter()
                    .map(|k| Community {
                        id: Uuid::new_v4(),
                        name: "Women in tech".into(),
                        kind: kinds[k],
                        role: CommunityRole::Member,
                        link: None,
                        created_at: day(0),
                    })
                    .collect();
                let meetings = if communities.is_empty() { vec![] } else {
                    meetings
                        .into_iter()
                        .map(|(c, d, in_person, who)| Meeting {
                            id: Uuid::new_v4(),
                            community_id: communities[c % communities.len()].id,
                            occurred_at: day(d),
                            in_person,
                            attendees: if contacts.is_empty() { vec![] } else {
                                who.iter().map(|i| contacts[i % contacts.len()].id).collect()
                            },
                            notes: None,
                        })
                        .collect()
                };
                Snapshot { contacts, interactions, communities, meetings, ..Snapshot::default() }
            }
        }

        fn codes(s: &Snapshot, at: DateTime<Utc>) -> Vec<RecommendationCode> {
            recommend(s, at, &HashSet::new())
                .iter()
                .map(|r| r.code)
                .collect()
        }

        proptest! {
            #[test]
            fn prop_nothing_changes_before_the_stable_until_instant(
                s in snapshot(), now in 0i64..1000, fraction in 0.0f64..1.0,
            ) {
                let now = day(now);
                let until = summary_stable_until(&s, now);
                if let Some(until) = until {
                    prop_assert!(until > now);
                }
                // Somewhere in [now, until), or up to ten years on when nothing moves.
                let span = until.map_or(Duration::days(3650), |u| u - now);
                let offset = (span.num_seconds() as f64 * fraction) as i64;
                let later = now + Duration::seconds(offset);
                prop_assume!(until.is_none_or(|u| later < u));
                prop_assert_eq!(social_capital(&s, later), social_capital(&s, now));
                prop_assert_eq!(codes(&s, later), codes(&s, now));
            }

            #[test]
            fn prop_undated_data_is_stable_forever(
                s in snapshot(), now in 0i64..1000,
            ) {
                let dated = !s.interactions.is_empty() || !s.meetings.is_empty()
                    || s.contacts.iter().any(|c| c.on_meet_list || c.cadence_days.is_some());
                if !dated {
                    prop_assert_eq!(summary_stable_until(&s, day(now)), None);
                }
            }
        }

        #[test]
        fn test_a_meeting_leaving_the_window_ends_stability() {
            let community = Community {
                id: Uuid::new_v4(),
                name: "Circle".into(),
                kind: CommunityKind::InPerson,
                role: CommunityRole::Organizer,
                link: None,
                created_at: day(0),
            };
            let s = Snapshot {
                meetings: vec![Meeting {
                    id: Uuid::new_v4(),
                    community_id: community.id,
                    occurred_at: day(10),
                    in_person: true,
                    attendees: vec![],
                    notes: None,
                }],
                communities: vec![community],
                ..Snapshot::default()
            };
            let until = summary_stable_until(&s, day(20)).expect("the window closes");
            assert_eq!(until, day(10 + 365) + Duration::nanoseconds(1));
            assert_ne!(
                social_capital(&s, day(20)),
                social_capital(&s, until),
                "the meeting no longer counts once the window closed"
            );
            assert_eq!(
                summary_stable_until(&s, day(5)),
                Some(day(10)),
                "not yet held"
            );
        }
    }

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
        let agg = aggregate(
            &[a, b],
            &[&contact_sectors(&with_media), &contact_sectors(&empty)],
        );
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
