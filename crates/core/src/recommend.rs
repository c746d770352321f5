//! Next best actions: what to do now, in playbook order, each tied to a task and, where it
//! helps, to the profile, contact or community it concerns.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    community::{CommunityKind, is_real_world},
    network::{FirstGives, Scope, Sector, Stage, ValuesAlignment},
    presence::{FindingCode, check_consistency, recommended_channels},
    reconnect::due_to_reconnect,
    rules::{RuleResult, Snapshot, evaluate, targets},
};

/// What a recommendation asks her to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
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

fn sector_name(sector: Sector) -> &'static str {
    match sector {
        Sector::Public => "the public sector",
        Sector::Private => "the private sector",
        Sector::Academia => "academia",
        Sector::Nonprofit => "the nonprofit sector",
        Sector::Media => "the media",
    }
}

/// Next best actions at `now`, skipping tasks she skipped or finished, in playbook order.
pub fn recommend(
    s: &Snapshot,
    now: DateTime<Utc>,
    skipped: &HashSet<String>,
) -> Vec<Recommendation> {
    let results = evaluate(s, now);
    let open = |key: &str| {
        !skipped.contains(key)
            && results
                .iter()
                .any(|r: &RuleResult| r.task_key == key && !r.met)
    };
    let mut out = Vec::new();
    let mut push = |code, task_key: &'static str, message: String, entity| {
        out.push(Recommendation {
            code,
            message,
            task_key,
            entity,
        });
    };
    let findings = check_consistency(&s.presence, &s.profiles);
    let stages = s.stages();

    if open("position.website") {
        push(
            RecommendationCode::AddWebsite,
            "position.website",
            "Add your website: one link that tells people who you are and what you do.".into(),
            None,
        );
    }
    if open("position.email_signature") {
        if s.presence.email_signature.is_none() {
            push(
                RecommendationCode::WriteSignature,
                "position.email_signature",
                "Write an email signature that links your website and every profile.".into(),
                None,
            );
        } else if let Some(f) = findings
            .iter()
            .find(|f| f.code == FindingCode::SignatureMissingProfile)
        {
            for id in f.profile_ids.iter().take(PER_CODE) {
                let platform = s
                    .profiles
                    .iter()
                    .find(|p| p.id == *id)
                    .map_or("this", |p| p.platform.as_str());
                push(
                    RecommendationCode::LinkProfileInSignature,
                    "position.email_signature",
                    format!(
                        "Link your {} profile from your email signature.",
                        platform.to_lowercase()
                    ),
                    Some((EntityKind::Profile, *id)),
                );
            }
        }
    }
    if open("position.consistent_profiles") {
        if s.profiles.len() < 2 {
            push(RecommendationCode::AddProfile, "position.consistent_profiles",
                "Add the profiles you keep on social networks so they can be checked for one consistent story.".into(), None);
        }
        for f in findings
            .iter()
            .filter(|f| f.code != FindingCode::SignatureMissingProfile)
        {
            for id in f.profile_ids.iter().take(PER_CODE) {
                push(
                    RecommendationCode::FixProfile,
                    "position.consistent_profiles",
                    f.fix.clone(),
                    Some((EntityKind::Profile, *id)),
                );
            }
        }
    }
    if open("position.audience_channels") {
        if s.presence.audiences.is_empty() {
            push(
                RecommendationCode::ChooseAudiences,
                "position.audience_channels",
                "Choose the audiences you speak to, to see the channels made for them.".into(),
                None,
            );
        } else if let Some(channel) = recommended_channels(&s.presence, &s.profiles).first() {
            push(
                RecommendationCode::JoinChannel,
                "position.audience_channels",
                format!(
                    "Open a profile on {}, a channel made for your audience.",
                    channel.name
                ),
                None,
            );
        }
    }
    for (key, scope, code, place) in [
        (
            "bring.top5_city",
            Scope::City,
            RecommendationCode::FindTopCity,
            "in your city",
        ),
        (
            "bring.top5_country",
            Scope::Country,
            RecommendationCode::FindTopCountry,
            "in your country",
        ),
        (
            "bring.top5_global",
            Scope::Global,
            RecommendationCode::FindTopGlobal,
            "worldwide",
        ),
    ] {
        if open(key) {
            let have = s
                .contacts
                .iter()
                .filter(|c| c.in_her_industry && c.scope == scope)
                .count();
            push(
                code,
                key,
                format!(
                    "Find {} more of the top people of your industry {place}.",
                    targets::TOP_PER_SCOPE.saturating_sub(have)
                ),
                None,
            );
        }
    }
    if open("bring.cross_sector") {
        let present: HashSet<Sector> = s.contacts.iter().map(|c| c.sector).collect();
        // Media first, as the guide insists.
        for sector in [
            Sector::Media,
            Sector::Public,
            Sector::Private,
            Sector::Academia,
            Sector::Nonprofit,
        ] {
            if !present.contains(&sector) {
                push(
                    RecommendationCode::AddSector,
                    "bring.cross_sector",
                    format!("Add an influencer from {}.", sector_name(sector)),
                    None,
                );
            }
        }
    }
    if open("bring.meet_list") {
        let n = s.meet_list().count();
        if n > targets::MEET_LIST_MAX {
            push(
                RecommendationCode::TrimMeetList,
                "bring.meet_list",
                format!("Your meet list has {n} people; keep the 20 who matter most."),
                None,
            );
        } else {
            push(
                RecommendationCode::GrowMeetList,
                "bring.meet_list",
                format!(
                    "Add {} more people you want to meet to your list (15 to 20 in all).",
                    targets::MEET_LIST_MIN - n.min(targets::MEET_LIST_MIN)
                ),
                None,
            );
        }
    }
    if open("bring.connect") {
        for c in s
            .meet_list()
            .filter(|c| stages.get(&c.id).is_none_or(|st| *st < Stage::Connected))
            .take(PER_CODE)
        {
            push(
                RecommendationCode::Connect,
                "bring.connect",
                format!("Connect with {} on social media.", c.name),
                Some((EntityKind::Contact, c.id)),
            );
        }
    }
    if open("dialogue.values_check") {
        for c in s
            .meet_list()
            .filter(|c| c.values == ValuesAlignment::Unknown)
            .take(PER_CODE)
        {
            push(
                RecommendationCode::CheckValues,
                "dialogue.values_check",
                format!(
                    "Check whether {}'s values and interests match yours.",
                    c.name
                ),
                Some((EntityKind::Contact, c.id)),
            );
        }
    }
    if open("dialogue.give_first") {
        let first_gives = FirstGives::of(&s.interactions);
        let mut seen = HashSet::new();
        for ask in s
            .interactions
            .iter()
            .filter(|i| i.kind.is_ask() && !first_gives.preceded(i.contact_id, i.occurred_at))
        {
            if seen.insert(ask.contact_id) && seen.len() <= PER_CODE {
                let name = s
                    .contacts
                    .iter()
                    .find(|c| c.id == ask.contact_id)
                    .map_or("them", |c| c.name.as_str());
                push(
                    RecommendationCode::GiveBeforeAsking,
                    "dialogue.give_first",
                    format!(
                        "You asked {name} before giving: share their work or champion their cause."
                    ),
                    Some((EntityKind::Contact, ask.contact_id)),
                );
            }
        }
        if s.interactions.iter().all(|i| !i.kind.is_give()) && seen.is_empty() {
            push(RecommendationCode::Give, "dialogue.give_first",
                "Give before you ask: share a post, an event or an article of someone you want to meet.".into(), None);
        }
    }
    if open("dialogue.amplify") {
        let given: HashSet<Uuid> = s
            .interactions
            .iter()
            .filter(|i| i.kind.is_give())
            .map(|i| i.contact_id)
            .collect();
        for c in s
            .meet_list()
            .filter(|c| !given.contains(&c.id))
            .take(PER_CODE)
        {
            push(
                RecommendationCode::Give,
                "dialogue.amplify",
                format!(
                    "Be {}'s publicist: share one of their posts, events or articles.",
                    c.name
                ),
                Some((EntityKind::Contact, c.id)),
            );
        }
    }
    if open("dialogue.endorse_competitor") {
        match s.contacts.iter().find(|c| c.competitor) {
            Some(c) => push(
                RecommendationCode::EndorseCompetitor,
                "dialogue.endorse_competitor",
                format!(
                    "Endorse or review {}: praising a competitor's good work says a lot about you.",
                    c.name
                ),
                Some((EntityKind::Contact, c.id)),
            ),
            None => push(
                RecommendationCode::EndorseCompetitor,
                "dialogue.endorse_competitor",
                "Add a competitor whose work you admire, then endorse them.".into(),
                None,
            ),
        }
    }
    if open("act.in_person") {
        let online: Vec<_> = s
            .communities
            .iter()
            .filter(|c| c.kind != CommunityKind::InPerson)
            .collect();
        if online.is_empty() {
            push(
                RecommendationCode::JoinCommunity,
                "act.in_person",
                "Add the online communities you take part in.".into(),
                None,
            );
        }
        for c in online.into_iter().take(PER_CODE) {
            push(
                RecommendationCode::MeetInPerson,
                "act.in_person",
                format!("Organize an in-person meeting of {}.", c.name),
                Some((EntityKind::Community, c.id)),
            );
        }
    }
    if open("act.five_communities") {
        let dormant: Vec<_> = s
            .communities
            .iter()
            .filter(|c| !is_real_world(c.id, &s.meetings, now))
            .collect();
        let active = s.communities.len() - dormant.len();
        for c in dormant
            .iter()
            .filter(|c| c.kind != CommunityKind::Online)
            .take(PER_CODE)
        {
            push(
                RecommendationCode::MeetInPerson,
                "act.five_communities",
                format!(
                    "Meet {} in person again: it has not met face to face in the last 12 months.",
                    c.name
                ),
                Some((EntityKind::Community, c.id)),
            );
        }
        if s.communities.len() < targets::COMMUNITIES {
            push(
                RecommendationCode::JoinCommunity,
                "act.five_communities",
                format!("Join more communities that meet in person: {active} of 5 so far."),
                None,
            );
        }
    }
    for r in due_to_reconnect(s, now).into_iter().take(PER_CODE) {
        let Some(c) = s.contacts.iter().find(|c| c.id == r.contact_id) else {
            continue;
        };
        let task = if c.on_meet_list {
            "dialogue.amplify"
        } else {
            "bring.connect"
        };
        push(
            RecommendationCode::Reconnect,
            task,
            format!(
                "Reconnect with {}: {} days since your last touch.",
                c.name,
                (now - r.last_touch).num_days()
            ),
            Some((EntityKind::Contact, c.id)),
        );
    }
    out
}
