//! Step 3, form a common identity through dialogue: values, giving first, amplifying,
//! endorsing a competitor.

use std::collections::HashSet;

use uuid::Uuid;

use crate::network::{FirstGives, ValuesAlignment};

use super::{Ctx, EntityKind, PER_CODE, RecommendationCode};

/// Adds this step's recommendations for the tasks still open.
pub(super) fn recommend(cx: &mut Ctx<'_>) {
    let s = cx.s;
    if cx.open("dialogue.values_check") {
        for c in s
            .meet_list()
            .filter(|c| c.values == ValuesAlignment::Unknown)
            .take(PER_CODE)
        {
            cx.push(
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
    if cx.open("dialogue.give_first") {
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
                cx.push(
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
            cx.push(RecommendationCode::Give, "dialogue.give_first",
                "Give before you ask: share a post, an event or an article of someone you want to meet.".into(), None);
        }
    }
    if cx.open("dialogue.amplify") {
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
            cx.push(
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
    if cx.open("dialogue.endorse_competitor") {
        match s.contacts.iter().find(|c| c.competitor) {
            Some(c) => cx.push(
                RecommendationCode::EndorseCompetitor,
                "dialogue.endorse_competitor",
                format!(
                    "Endorse or review {}: praising a competitor's good work says a lot about you.",
                    c.name
                ),
                Some((EntityKind::Contact, c.id)),
            ),
            None => cx.push(
                RecommendationCode::EndorseCompetitor,
                "dialogue.endorse_competitor",
                "Add a competitor whose work you admire, then endorse them.".into(),
                None,
            ),
        }
    }
}
