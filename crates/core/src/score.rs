//! The social capital score: 0–100 as four sub-scores of 0–25, each explained by its factors.
//!
//! Each sub-score is the weighted sum of factors whose values lie in 0..=1 and whose weights
//! add up to 25. The formulas are documented in ARCHITECTURE.md ("The social capital score").

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{
    community::CommunityRole,
    derived::{scope_index, sector_index},
    network::{Scope, Sector},
    presence::{FindingCode, check_consistency, on_audience_channel},
    rules::{Inputs, Snapshot, targets},
};

/// One ingredient of a sub-score.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    /// Stable name, such as `sector_diversity`.
    pub name: &'static str,
    /// How far she is, from 0 to 1.
    pub value: f64,
    /// Points it is worth at 1.
    pub weight: f64,
    /// Why the value is what it is.
    pub explanation: String,
}

impl Factor {
    /// Points earned: value × weight.
    pub fn points(&self) -> f64 {
        self.value * self.weight
    }
}

/// One of the four sub-scores.
#[derive(Debug, Clone, PartialEq)]
pub struct SubScore {
    /// 0 to 25.
    pub score: f64,
    /// What made it.
    pub factors: Vec<Factor>,
}

impl SubScore {
    fn of(factors: Vec<Factor>) -> Self {
        let score = factors
            .iter()
            .map(Factor::points)
            .sum::<f64>()
            .clamp(0.0, SUB_SCORE_MAX);
        Self { score, factors }
    }
}

/// The whole score.
#[derive(Debug, Clone, PartialEq)]
pub struct SocialCapital {
    /// 0 to 100: the sum of the four sub-scores.
    pub total: f64,
    /// Step 1: a findable, consistent presence.
    pub presence: SubScore,
    /// Step 2: key people across sectors and scopes.
    pub reach: SubScore,
    /// Step 3: giving before asking, generously and widely.
    pub reciprocity: SubScore,
    /// Step 4: real-world communities.
    pub collective_action: SubScore,
}

/// The most a sub-score can be.
pub const SUB_SCORE_MAX: f64 = 25.0;

fn ratio(n: usize, of: usize) -> f64 {
    if of == 0 {
        0.0
    } else {
        (n as f64 / of as f64).min(1.0)
    }
}

/// The normalized Blau index of a distribution over `categories` categories: 1 − Σpᵢ²,
/// divided by its maximum 1 − 1/K. 0 when everyone is in one category (or nobody is), 1 when
/// spread evenly over all of them.
pub fn normalized_blau(counts: &[usize], categories: usize) -> f64 {
    let total: usize = counts.iter().sum();
    if total == 0 || categories < 2 {
        return 0.0;
    }
    let sum_sq: f64 = counts
        .iter()
        .map(|&n| {
            let p = n as f64 / total as f64;
            p * p
        })
        .sum();
    ((1.0 - sum_sq) / (1.0 - 1.0 / categories as f64)).clamp(0.0, 1.0)
}

fn factor(name: &'static str, value: f64, weight: f64, explanation: String) -> Factor {
    Factor {
        name,
        value: value.clamp(0.0, 1.0),
        weight,
        explanation,
    }
}

fn presence(s: &Inputs<'_>) -> SubScore {
    let findings = check_consistency(s.presence, s.profiles);
    let n = s.profiles.len();
    let unlinked: HashSet<Uuid> = findings
        .iter()
        .filter(|f| f.code == FindingCode::SignatureMissingProfile)
        .flat_map(|f| f.profile_ids.iter().copied())
        .collect();
    let inconsistent: HashSet<Uuid> = findings
        .iter()
        .filter(|f| f.code != FindingCode::SignatureMissingProfile)
        .flat_map(|f| f.profile_ids.iter().copied())
        .collect();
    let has_site = s.presence.website.is_some();
    let on_channel = on_audience_channel(s.presence, s.profiles);
    SubScore::of(vec![
        factor(
            "website",
            if has_site { 1.0 } else { 0.0 },
            5.0,
            if has_site {
                "You have a website.".into()
            } else {
                "No website yet.".into()
            },
        ),
        factor(
            "signature_links",
            ratio(n - unlinked.len(), n),
            5.0,
            format!(
                "{} of {n} profiles are linked from your email signature.",
                n - unlinked.len()
            ),
        ),
        factor(
            "consistency",
            if n < 2 {
                0.0
            } else {
                ratio(n - inconsistent.len(), n)
            },
            10.0,
            if n < 2 {
                "Consistency counts once you have two profiles.".into()
            } else {
                format!(
                    "{} of {n} profiles tell the same story.",
                    n - inconsistent.len()
                )
            },
        ),
        factor(
            "audience_channel",
            if on_channel { 1.0 } else { 0.0 },
            5.0,
            if on_channel {
                "You are on a channel made for your audience.".into()
            } else {
                "You are not yet on a channel made for your audience.".into()
            },
        ),
    ])
}

fn reach(s: &Inputs<'_>) -> SubScore {
    let t = &s.totals;
    let count = |n: u32| usize::try_from(n).unwrap_or(usize::MAX);
    let sector_counts: Vec<usize> = t.per_sector().into_iter().map(count).collect();
    let covered = sector_counts.iter().filter(|n| **n > 0).count();
    // The sector × scope combinations she has contacts in (empty ones do not count).
    let cell_counts: Vec<usize> = t
        .cells
        .iter()
        .flatten()
        .map(|n| count(*n))
        .filter(|n| *n > 0)
        .collect();
    let has_media = sector_counts[sector_index(Sector::Media)] > 0;
    let top = |scope: Scope| count(t.top[scope_index(scope)]).min(targets::TOP_PER_SCOPE);
    let leaders = top(Scope::City) + top(Scope::Country) + top(Scope::Global);
    let meet = count(t.meet_list);
    SubScore::of(vec![
        factor(
            "sector_diversity",
            normalized_blau(&sector_counts, Sector::ALL.len()),
            8.0,
            format!("Your contacts span {covered} of 5 sectors (normalized Blau index)."),
        ),
        factor(
            "media",
            if has_media { 1.0 } else { 0.0 },
            2.0,
            if has_media {
                "You know someone in the media.".into()
            } else {
                "No media contact yet: the guide calls the media the most important sector.".into()
            },
        ),
        factor(
            "sector_scope_spread",
            normalized_blau(&cell_counts, Sector::ALL.len() * 3),
            5.0,
            format!(
                "Your contacts fill {} of 15 sector × scope combinations.",
                cell_counts.len()
            ),
        ),
        factor(
            "industry_leaders",
            ratio(leaders, 3 * targets::TOP_PER_SCOPE),
            5.0,
            format!(
                "{leaders} of the 15 top people of your industry (5 per city, country, world)."
            ),
        ),
        factor(
            "meet_list",
            ratio(meet, targets::MEET_LIST_MIN),
            5.0,
            format!("{meet} people on your meet list (aim for 15 to 20)."),
        ),
    ])
}

fn reciprocity(s: &Inputs<'_>) -> SubScore {
    let t = &s.totals;
    let count = |n: u32| usize::try_from(n).unwrap_or(usize::MAX);
    let (gives, asks) = (count(t.gives), count(t.asks));
    let preceded = count(t.asks_after_give);
    let give_first = if asks == 0 {
        if gives == 0 { 0.0 } else { 1.0 }
    } else {
        ratio(preceded, asks)
    };
    let balance = if asks == 0 {
        if gives == 0 { 0.0 } else { 1.0 }
    } else {
        (gives as f64 / (2.0 * asks as f64)).min(1.0)
    };
    let receivers = count(t.receivers);
    let endorsed = t.competitors_endorsed > 0;
    SubScore::of(vec![
        factor(
            "give_first",
            give_first,
            10.0,
            if asks == 0 {
                format!("{} gives and no asks yet.", gives)
            } else {
                format!(
                    "{preceded} of {} asks came after a give to the same person.",
                    asks
                )
            },
        ),
        factor(
            "balance",
            balance,
            5.0,
            format!(
                "{} gives for {} asks (aim for at least two gives per ask).",
                gives, asks
            ),
        ),
        factor(
            "breadth",
            ratio(receivers, targets::MEET_LIST_MIN),
            7.0,
            format!(
                "You have given to {} different people (aim for 15).",
                receivers
            ),
        ),
        factor(
            "endorsed_competitor",
            if endorsed { 1.0 } else { 0.0 },
            3.0,
            if endorsed {
                "You endorsed a competitor: the bigger the pie, the more for everyone.".into()
            } else {
                "No endorsement of a competitor yet.".into()
            },
        ),
    ])
}

fn collective_action(s: &Inputs<'_>, now: DateTime<Utc>) -> SubScore {
    let real_world = s.real_world_communities(now);
    let online_met = s.online_communities_met_in_person(now);
    let best_role = s.communities.iter().map(|c| c.role).max();
    let role_value = match best_role {
        None => 0.0,
        Some(CommunityRole::Member) => 1.0 / 3.0,
        Some(CommunityRole::Contributor) => 2.0 / 3.0,
        Some(CommunityRole::Organizer) => 1.0,
    };
    SubScore::of(vec![
        factor(
            "real_world_communities",
            ratio(real_world, targets::COMMUNITIES),
            15.0,
            format!("{real_world} of 5 communities met in person in the last 12 months."),
        ),
        factor(
            "online_to_in_person",
            ratio(online_met, 3),
            5.0,
            format!(
                "{online_met} in-person meetings of online communities in the last 12 months (aim for 3)."
            ),
        ),
        factor(
            "role",
            role_value,
            5.0,
            match best_role {
                None => "You have not joined a community yet.".into(),
                Some(role) => format!(
                    "Your highest role in a community: {}.",
                    role.as_str().to_lowercase()
                ),
            },
        ),
    ])
}

/// Computes the score at `now` from scratch. Pure and deterministic.
pub fn social_capital(s: &Snapshot, now: DateTime<Utc>) -> SocialCapital {
    social_capital_inputs(&s.inputs(), now)
}

/// Computes the score at `now` from what it reads (see [`Inputs`]).
pub fn social_capital_inputs(s: &Inputs<'_>, now: DateTime<Utc>) -> SocialCapital {
    let presence = presence(s);
    let reach = reach(s);
    let reciprocity = reciprocity(s);
    let collective_action = collective_action(s, now);
    let total = presence.score + reach.score + reciprocity.score + collective_action.score;
    SocialCapital {
        total,
        presence,
        reach,
        reciprocity,
        collective_action,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{Contact, Interaction, InteractionKind, ValuesAlignment};
    use chrono::Duration;
    use proptest::prelude::*;

    #[test]
    fn test_weights_add_up_to_25_per_sub_score() {
        let score = social_capital(&Snapshot::default(), Utc::now());
        for sub in [
            &score.presence,
            &score.reach,
            &score.reciprocity,
            &score.collective_action,
        ] {
            let weights: f64 = sub.factors.iter().map(|f| f.weight).sum();
            assert!((weights - SUB_SCORE_MAX).abs() < 1e-9, "{sub:?}");
        }
        assert_eq!(score.total, 0.0);
    }

    #[test]
    fn test_blau_rewards_spread_not_size() {
        assert_eq!(normalized_blau(&[10, 0, 0, 0, 0], 5), 0.0);
        assert!((normalized_blau(&[1, 1, 1, 1, 1], 5) - 1.0).abs() < 1e-9);
        // Fifty people in one sector are worth less than five spread over five sectors.
        assert!(normalized_blau(&[50, 0, 0, 0, 0], 5) < normalized_blau(&[1, 1, 1, 1, 1], 5));
        assert!(normalized_blau(&[2, 1, 0, 0, 0], 5) > 0.0);
    }

    const SECTORS: [Sector; 5] = [
        Sector::Public,
        Sector::Private,
        Sector::Academia,
        Sector::Nonprofit,
        Sector::Media,
    ];
    const SCOPES: [Scope; 3] = [Scope::City, Scope::Country, Scope::Global];
    const KINDS: [InteractionKind; 6] = [
        InteractionKind::SharedPost,
        InteractionKind::Endorsed,
        InteractionKind::AskedHelp,
        InteractionKind::AskedIntro,
        InteractionKind::Connected,
        InteractionKind::Reviewed,
    ];

    fn epoch_plus(days: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + Duration::days(days)
    }

    fn contact(id: u128, sector: usize, scope: usize, meet: bool, competitor: bool) -> Contact {
        Contact {
            id: Uuid::from_u128(id),
            name: format!("c{id}").as_str().into(),
            sector: Some(SECTORS[sector % 5]),
            scope: Some(SCOPES[scope % 3]),
            emails: vec![],
            company: None,
            job_title: None,
            connected_on: None,
            industry: None,
            in_her_industry: id.is_multiple_of(2),
            on_meet_list: meet,
            competitor,
            values: ValuesAlignment::Unknown,
            tags: vec![],
            links: vec![],
            stage_override: None,
            cadence_days: None,
            created_at: epoch_plus(0),
        }
    }

    prop_compose! {
        fn snapshot()(
            contacts in prop::collection::vec((0usize..5, 0usize..3, any::<bool>(), any::<bool>()), 0..25),
            interactions in prop::collection::vec((0usize..25, 0usize..6, 0i64..100), 0..40),
        ) -> Snapshot {
            let contacts: Vec<Contact> = contacts
                .into_iter()
                .enumerate()
                .map(|(i, (sector, scope, meet, comp))| contact(i as u128 + 1, sector, scope, meet, comp))
                .collect();
            let interactions = if contacts.is_empty() {
                vec![]
            } else {
                interactions
                    .into_iter()
                    .map(|(c, k, d)| Interaction {
                        id: Uuid::new_v4(),
                        contact_id: contacts[c % contacts.len()].id,
                        kind: KINDS[k],
                        occurred_at: epoch_plus(d),
                        note: None,
                    })
                    .collect()
            };
            Snapshot { contacts, interactions, ..Snapshot::default() }
        }
    }

    proptest! {
        #[test]
        fn prop_scores_stay_within_bounds(s in snapshot()) {
            let score = social_capital(&s, epoch_plus(200));
            for sub in [&score.presence, &score.reach, &score.reciprocity, &score.collective_action] {
                prop_assert!((0.0..=SUB_SCORE_MAX).contains(&sub.score));
                for f in &sub.factors {
                    prop_assert!((0.0..=1.0).contains(&f.value), "{f:?}");
                }
            }
            prop_assert!((0.0..=100.0).contains(&score.total));
        }

        #[test]
        fn prop_first_give_in_the_facts_agrees_with_a_scan(s in snapshot(), day in 0i64..100) {
            // What the ask warnings read from a contact's facts instead of her history.
            let facts = s.facts();
            for c in &s.contacts {
                prop_assert_eq!(
                    facts[&c.id].first_give_at.is_some_and(|g| g <= epoch_plus(day)),
                    crate::network::preceded_by_give(&s.interactions, c.id, epoch_plus(day))
                );
            }
        }

        #[test]
        fn prop_score_is_deterministic(s in snapshot()) {
            prop_assert_eq!(social_capital(&s, epoch_plus(200)), social_capital(&s, epoch_plus(200)));
        }

        #[test]
        fn prop_adding_a_give_never_lowers_reciprocity(s in snapshot(), pick in 0usize..25, day in 0i64..100, kind in 0usize..2) {
            prop_assume!(!s.contacts.is_empty());
            let before = social_capital(&s, epoch_plus(200)).reciprocity.score;
            let mut more = s.clone();
            more.interactions.push(Interaction {
                id: Uuid::new_v4(),
                contact_id: s.contacts[pick % s.contacts.len()].id,
                kind: [InteractionKind::SharedPost, InteractionKind::Endorsed][kind],
                occurred_at: epoch_plus(day),
                note: None,
            });
            let after = social_capital(&more, epoch_plus(200)).reciprocity.score;
            prop_assert!(after >= before - 1e-9, "{before} -> {after}");
        }

        #[test]
        fn prop_a_contact_in_a_missing_sector_never_lowers_reach(s in snapshot(), scope in 0usize..3, meet in any::<bool>()) {
            let present: HashSet<Sector> = s.contacts.iter().filter_map(|c| c.sector).collect();
            let missing = SECTORS.iter().position(|x| !present.contains(x));
            prop_assume!(missing.is_some());
            let before = social_capital(&s, epoch_plus(200)).reach.score;
            let mut more = s.clone();
            more.contacts.push(contact(10_000, missing.unwrap_or(0), scope, meet, false));
            let after = social_capital(&more, epoch_plus(200)).reach.score;
            prop_assert!(after >= before - 1e-9, "{before} -> {after}");
        }
    }
}
