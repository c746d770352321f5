//! Next best actions: what to do now, in playbook order, each tied to a task and, where it
//! helps, to the profile, contact or community it concerns.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    TaskKey,
    rules::{RuleResult, Snapshot, evaluate},
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
const PER_CODE: usize = 5;

/// Next best actions at `now`, skipping tasks she skipped or finished, in playbook order.
pub fn recommend(
    s: &Snapshot,
    now: DateTime<Utc>,
    skipped: &HashSet<String>,
) -> Vec<Recommendation> {
    let mut cx = Ctx {
        s,
        now,
        results: evaluate(s, now),
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
    s: &'a Snapshot,
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
