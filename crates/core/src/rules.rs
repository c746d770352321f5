//! The rules that complete AUTOMATIC tasks from what she has recorded.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{
    TaskKey,
    community::{Community, CommunityKind, Meeting, counts_as_real_world, is_real_world},
    derived::{ContactFacts, Totals, facts_of, scope_index},
    network::{Contact, Interaction, Scope, Stage},
    playbook::{Playbook, TaskCompletion},
    presence::{FindingCode, Presence, Profile, check_consistency, on_audience_channel},
    progress::{TaskRecord, TaskStatus},
};

/// Everything a user has recorded: the input of rules, recommendations and the score.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Website, signature, audiences.
    pub presence: Presence,
    /// Social profiles.
    pub profiles: Vec<Profile>,
    /// Contacts.
    pub contacts: Vec<Contact>,
    /// Interactions with contacts.
    pub interactions: Vec<Interaction>,
    /// Communities.
    pub communities: Vec<Community>,
    /// Meetings of those communities.
    pub meetings: Vec<Meeting>,
}

impl Snapshot {
    /// The facts of every contact's history, in one pass over it.
    pub fn facts(&self) -> HashMap<Uuid, ContactFacts> {
        facts_of(&self.contacts, &self.interactions, &self.meetings)
    }

    /// The stage of every contact: hers if she set one, else the one her history implies.
    pub fn stages(&self) -> HashMap<Uuid, Stage> {
        let facts = self.facts();
        self.contacts
            .iter()
            .map(|c| {
                let stage = facts.get(&c.id).copied().unwrap_or_default().stage(c);
                (c.id, stage)
            })
            .collect()
    }

    /// What the rules and the score read, with the totals computed from scratch.
    pub fn inputs(&self) -> Inputs<'_> {
        Inputs {
            presence: &self.presence,
            profiles: &self.profiles,
            communities: &self.communities,
            meetings: &self.meetings,
            totals: Totals::of(self),
        }
    }
}

/// What the rules and the score read: her presence, profiles, communities and meetings as
/// they are (a handful of each), and her network as [`Totals`] (kept up to date by the store
/// write by write, or computed from a [`Snapshot`] with [`Snapshot::inputs`]).
#[derive(Debug, Clone)]
pub struct Inputs<'a> {
    /// Website, signature, audiences.
    pub presence: &'a Presence,
    /// Social profiles.
    pub profiles: &'a [Profile],
    /// Communities.
    pub communities: &'a [Community],
    /// Meetings of those communities (attendees are not read).
    pub meetings: &'a [Meeting],
    /// Sums over her contacts.
    pub totals: Totals,
}

impl Inputs<'_> {
    /// Communities that met in person within the last 12 months at `now`.
    pub fn real_world_communities(&self, now: DateTime<Utc>) -> usize {
        self.communities
            .iter()
            .filter(|c| is_real_world(c.id, self.meetings, now))
            .count()
    }

    /// In-person meetings of ONLINE or HYBRID communities within the last 12 months at `now`.
    pub fn online_communities_met_in_person(&self, now: DateTime<Utc>) -> usize {
        let online: HashSet<Uuid> = self
            .communities
            .iter()
            .filter(|c| c.kind != CommunityKind::InPerson)
            .map(|c| c.id)
            .collect();
        self.meetings
            .iter()
            .filter(|m| online.contains(&m.community_id) && counts_as_real_world(m, now))
            .count()
    }
}

/// Where one AUTOMATIC task's rule stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleResult {
    /// The task.
    pub task_key: &'static str,
    /// How far along: a count toward `target`.
    pub current: u32,
    /// What completes it.
    pub target: u32,
    /// Whether the rule is met.
    pub met: bool,
}

impl RuleResult {
    fn new(task_key: TaskKey, current: usize, target: usize, met: bool) -> Self {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Self {
            task_key: task_key.as_str(),
            current: clamp(current),
            target: clamp(target),
            met,
        }
    }

    fn at_least(task_key: TaskKey, current: usize, target: usize) -> Self {
        Self::new(task_key, current, target, current >= target)
    }

    /// The status this rule gives its task.
    pub fn status(&self) -> TaskStatus {
        if self.met {
            TaskStatus::Done
        } else if self.current > 0 {
            TaskStatus::InProgress
        } else {
            TaskStatus::NotStarted
        }
    }
}

/// The guide's numbers.
pub mod targets {
    /// Top people of her industry per scope.
    pub const TOP_PER_SCOPE: usize = 5;
    /// Sectors to cover: public, private, academia, nonprofit, media.
    pub const SECTORS: usize = 5;
    /// Smallest meet list.
    pub const MEET_LIST_MIN: usize = 15;
    /// Largest meet list.
    pub const MEET_LIST_MAX: usize = 20;
    /// Real-world communities to belong to.
    pub const COMMUNITIES: usize = 5;
}

fn bool_count(b: bool) -> usize {
    usize::from(b)
}

/// Evaluates every rule at `now`, from scratch.
pub fn evaluate(s: &Snapshot, now: DateTime<Utc>) -> Vec<RuleResult> {
    evaluate_inputs(&s.inputs(), now)
}

/// Evaluates every rule at `now` from what the rules read.
pub fn evaluate_inputs(s: &Inputs<'_>, now: DateTime<Utc>) -> Vec<RuleResult> {
    use targets::*;
    let findings = check_consistency(s.presence, s.profiles);
    let has = |code: FindingCode| findings.iter().any(|f| f.code == code);
    let t = &s.totals;
    let count = |n: u32| usize::try_from(n).unwrap_or(usize::MAX);
    let top = |scope: Scope| count(t.top[scope_index(scope)]);
    let sectors = t.per_sector().iter().filter(|n| **n > 0).count();
    let connected = count(t.meet_connected);
    let values_known = count(t.meet_values_known);
    let gives = count(t.gives);
    let asks_without_give = count(t.asks.saturating_sub(t.asks_after_give));
    let given_meet_list = count(t.meet_given);
    let endorsed_competitor = t.competitors_endorsed > 0;
    let online_met = s.online_communities_met_in_person(now);
    let real_world = s.real_world_communities(now);
    let profile_count = s.profiles.len();
    let meet = count(t.meet_list);

    vec![
        RuleResult::at_least(
            TaskKey::POSITION_WEBSITE,
            bool_count(s.presence.website.is_some()),
            1,
        ),
        RuleResult::new(
            TaskKey::POSITION_EMAIL_SIGNATURE,
            bool_count(s.presence.email_signature.is_some()),
            1,
            s.presence.email_signature.is_some()
                && profile_count > 0
                && !has(FindingCode::SignatureMissingProfile),
        ),
        // One profile is trivially consistent; the rule needs two to compare.
        RuleResult::new(
            TaskKey::POSITION_CONSISTENT_PROFILES,
            profile_count.min(2),
            2,
            profile_count >= 2
                && !findings
                    .iter()
                    .any(|f| f.code != FindingCode::SignatureMissingProfile),
        ),
        RuleResult::at_least(
            TaskKey::POSITION_AUDIENCE_CHANNELS,
            bool_count(on_audience_channel(s.presence, s.profiles)),
            1,
        ),
        RuleResult::at_least(TaskKey::BRING_TOP5_CITY, top(Scope::City), TOP_PER_SCOPE),
        RuleResult::at_least(
            TaskKey::BRING_TOP5_COUNTRY,
            top(Scope::Country),
            TOP_PER_SCOPE,
        ),
        RuleResult::at_least(
            TaskKey::BRING_TOP5_GLOBAL,
            top(Scope::Global),
            TOP_PER_SCOPE,
        ),
        RuleResult::at_least(TaskKey::BRING_CROSS_SECTOR, sectors, SECTORS),
        RuleResult::new(
            TaskKey::BRING_MEET_LIST,
            meet,
            MEET_LIST_MIN,
            (MEET_LIST_MIN..=MEET_LIST_MAX).contains(&meet),
        ),
        RuleResult::new(
            TaskKey::BRING_CONNECT,
            connected,
            meet.max(MEET_LIST_MIN),
            meet >= MEET_LIST_MIN && connected == meet,
        ),
        RuleResult::new(
            TaskKey::DIALOGUE_VALUES_CHECK,
            values_known,
            meet.max(1),
            meet > 0 && values_known == meet,
        ),
        RuleResult::new(
            TaskKey::DIALOGUE_GIVE_FIRST,
            bool_count(gives > 0),
            1,
            gives > 0 && asks_without_give == 0,
        ),
        RuleResult::at_least(TaskKey::DIALOGUE_AMPLIFY, given_meet_list, MEET_LIST_MIN),
        RuleResult::at_least(
            TaskKey::DIALOGUE_ENDORSE_COMPETITOR,
            bool_count(endorsed_competitor),
            1,
        ),
        RuleResult::at_least(TaskKey::ACT_IN_PERSON, online_met, 1),
        RuleResult::at_least(TaskKey::ACT_FIVE_COMMUNITIES, real_world, COMMUNITIES),
    ]
}

/// The status changes that bring AUTOMATIC tasks in line with their rules. Tasks she skipped
/// stay skipped; tasks without a rule are left alone.
pub fn plan_sync(
    playbook: &Playbook,
    results: &[RuleResult],
    records: &[TaskRecord],
) -> Vec<(&'static str, TaskStatus)> {
    let current: HashMap<&str, TaskStatus> = records
        .iter()
        .map(|r| (r.task_key.as_str(), r.status))
        .collect();
    results
        .iter()
        .filter(|r| {
            playbook
                .task(r.task_key)
                .is_some_and(|t| t.completion == TaskCompletion::Automatic)
        })
        .filter_map(|r| {
            let now = current.get(r.task_key).copied().unwrap_or_default();
            let wanted = r.status();
            (now != TaskStatus::Skipped && now != wanted).then_some((r.task_key, wanted))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_every_automatic_task_has_exactly_one_rule() {
        let results = evaluate(&Snapshot::default(), Utc::now());
        let keys: Vec<&str> = results.iter().map(|r| r.task_key).collect();
        let unique: HashSet<&str> = keys.iter().copied().collect();
        assert_eq!(unique.len(), keys.len());
        for task in Playbook::standard().tasks() {
            let has_rule = unique.contains(task.key.as_str());
            assert_eq!(
                has_rule,
                task.completion == TaskCompletion::Automatic,
                "{}",
                task.key
            );
        }
        for key in unique {
            assert!(Playbook::standard().task(key).is_some(), "{key}");
        }
    }

    #[test]
    fn test_empty_snapshot_meets_nothing() {
        for r in evaluate(&Snapshot::default(), Utc::now()) {
            assert!(!r.met, "{}", r.task_key);
            assert_eq!(r.status(), TaskStatus::NotStarted, "{}", r.task_key);
        }
    }

    #[test]
    fn test_plan_sync_respects_skips_and_only_changes_what_differs() {
        let results = vec![
            RuleResult::at_least(TaskKey::POSITION_WEBSITE, 1, 1),
            RuleResult::at_least(TaskKey::BRING_TOP5_CITY, 2, 5),
            RuleResult::at_least(TaskKey::BRING_TOP5_COUNTRY, 0, 5),
            RuleResult::at_least(TaskKey::ACT_IN_PERSON, 1, 1),
        ];
        let record = |key: &str, status| TaskRecord {
            task_key: key.into(),
            status,
            note: None,
            updated_at: Utc::now(),
            completed_at: None,
        };
        let records = vec![
            record("position.website", TaskStatus::Done),
            record("bring.top5_country", TaskStatus::Done),
            record("act.in_person", TaskStatus::Skipped),
        ];
        let plan = plan_sync(Playbook::standard(), &results, &records);
        assert_eq!(
            plan,
            vec![
                ("bring.top5_city", TaskStatus::InProgress),
                ("bring.top5_country", TaskStatus::NotStarted),
            ]
        );
    }
}
