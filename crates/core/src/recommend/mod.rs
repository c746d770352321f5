//! Next best actions: what to do now, in playbook order, each tied to a task and, where it
//! helps, to the profile, contact or community it concerns.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    TaskKey,
    network::{Contact, Stage, ValuesAlignment},
    reconnect::{Reconnect, due_to_reconnect},
    rules::{Inputs, RuleResult, Snapshot, evaluate_inputs},
};

mod act;
mod bring;
mod dialogue;
mod position;
#[cfg(test)]
mod tests;

/// What a recommendation asks her to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RecommendationCode {
    /// Record her website.
    AddWebsite,
    /// Write an email signature.
    WriteSignature,
    /// Link a profile from her signature.
    LinkProfileInSignature,
    /// Add another social profile.
    AddProfile,
    /// Fix an inconsistency on a profile.
    FixProfile,
    /// Choose the audiences she speaks to.
    ChooseAudiences,
    /// Open a profile on a channel made for her audience.
    JoinChannel,
    /// Find more top people of her industry in her city.
    FindTopCity,
    /// … in her country.
    FindTopCountry,
    /// … worldwide.
    FindTopGlobal,
    /// Add an influencer in a sector she lacks.
    AddSector,
    /// Put more people on her meet list.
    GrowMeetList,
    /// Her meet list is longer than 20.
    TrimMeetList,
    /// Connect with a meet-list contact.
    Connect,
    /// Check values alignment with a contact.
    CheckValues,
    /// Give to someone she asked before giving.
    GiveBeforeAsking,
    /// Give to a meet-list contact she has not given to.
    Give,
    /// Endorse a competitor.
    EndorseCompetitor,
    /// Hold an in-person meeting of an online community.
    MeetInPerson,
    /// Join or revive communities until five meet in person.
    JoinCommunity,
    /// Reconnect with an overdue contact.
    Reconnect,
    /// Give imported contacts a sector and a scope, so the rules count them.
    ClassifyContacts,
}

/// What a recommendation concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EntityKind {
    /// One of her social profiles.
    Profile,
    /// One of her contacts.
    Contact,
    /// One of her communities.
    Community,
}

/// One next best action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recommendation {
    /// What to do.
    pub code: RecommendationCode,
    /// The action in a sentence.
    pub message: String,
    /// The task it advances.
    pub task_key: &'static str,
    /// The profile, contact or community concerned.
    pub entity: Option<(EntityKind, Uuid)>,
}

/// How many entity-level recommendations of one code are listed at most.
pub const PER_CODE: usize = 5;

/// The few contacts recommendations name: at most [`PER_CODE`] of each kind, in id order
/// unless said otherwise. The store reads each list with one indexed query; [`Focus::of`]
/// finds the same in a snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Focus {
    /// Meet-list contacts she has not connected with (IDENTIFIED).
    pub not_connected: Vec<Contact>,
    /// Meet-list contacts whose values she has not checked.
    pub values_unknown: Vec<Contact>,
    /// Contacts she asked before giving to, by her first such ask (then id).
    pub asked_before_giving: Vec<Contact>,
    /// Meet-list contacts she has not given to.
    pub not_given: Vec<Contact>,
    /// Her first competitor.
    pub competitor: Option<Contact>,
    /// Contacts overdue for a touch, most overdue first.
    pub overdue: Vec<(Contact, Reconnect)>,
}

impl Focus {
    /// The focus of a whole snapshot at `now`.
    pub fn of(s: &Snapshot, now: DateTime<Utc>) -> Focus {
        let facts = s.facts();
        let fact = |c: &Contact| facts.get(&c.id).copied().unwrap_or_default();
        // The rules ignore contacts she has not classified yet; reconnecting does not.
        let mut by_id: Vec<&Contact> = s
            .contacts
            .iter()
            .filter(|c| c.classification().is_some())
            .collect();
        by_id.sort_by_key(|c| c.id);
        let pick = |f: &dyn Fn(&Contact) -> bool| -> Vec<Contact> {
            by_id
                .iter()
                .filter(|c| f(c))
                .take(PER_CODE)
                .map(|c| (*c).clone())
                .collect()
        };
        let mut asked: Vec<(DateTime<Utc>, &Contact)> = by_id
            .iter()
            .filter_map(|c| fact(c).first_unpreceded_ask_at.map(|at| (at, *c)))
            .collect();
        asked.sort_by_key(|(at, c)| (*at, c.id));
        Focus {
            not_connected: pick(&|c| c.on_meet_list && fact(c).stage(c) < Stage::Connected),
            values_unknown: pick(&|c| c.on_meet_list && c.values == ValuesAlignment::Unknown),
            asked_before_giving: asked
                .into_iter()
                .take(PER_CODE)
                .map(|(_, c)| c.clone())
                .collect(),
            not_given: pick(&|c| c.on_meet_list && fact(c).gives == 0),
            competitor: pick(&|c| c.competitor).into_iter().next(),
            overdue: due_to_reconnect(s, now)
                .into_iter()
                .take(PER_CODE)
                .filter_map(|r| {
                    let c = s.contacts.iter().find(|c| c.id == r.contact_id)?;
                    Some((c.clone(), r))
                })
                .collect(),
        }
    }
}

/// Next best actions at `now`, skipping tasks she skipped or finished, in playbook order,
/// from scratch.
pub fn recommend(
    s: &Snapshot,
    now: DateTime<Utc>,
    skipped: &HashSet<String>,
) -> Vec<Recommendation> {
    recommend_with(&s.inputs(), &Focus::of(s, now), now, skipped)
}

/// Next best actions from what they read: the rules' inputs and the contacts they name.
pub fn recommend_with(
    inputs: &Inputs<'_>,
    focus: &Focus,
    now: DateTime<Utc>,
    skipped: &HashSet<String>,
) -> Vec<Recommendation> {
    let mut cx = Ctx {
        s: inputs,
        focus,
        now,
        results: evaluate_inputs(inputs, now),
        skipped,
        out: Vec::new(),
    };
    position::recommend(&mut cx);
    bring::recommend(&mut cx);
    dialogue::recommend(&mut cx);
    act::recommend(&mut cx);
    act::reconnect(&mut cx);
    cx.out
}

/// What every step's recommender reads and appends to.
struct Ctx<'a> {
    s: &'a Inputs<'a>,
    focus: &'a Focus,
    now: DateTime<Utc>,
    results: Vec<RuleResult>,
    skipped: &'a HashSet<String>,
    out: Vec<Recommendation>,
}

impl Ctx<'_> {
    /// Whether the task is neither met by the rules nor skipped or finished by her.
    fn open(&self, key: TaskKey) -> bool {
        let key = key.as_str();
        !self.skipped.contains(key) && self.results.iter().any(|r| r.task_key == key && !r.met)
    }

    fn push(
        &mut self,
        code: RecommendationCode,
        task_key: TaskKey,
        message: String,
        entity: Option<(EntityKind, Uuid)>,
    ) {
        self.out.push(Recommendation {
            code,
            message,
            task_key: task_key.as_str(),
            entity,
        });
    }
}
