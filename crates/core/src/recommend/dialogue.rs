//! Step 3, form a common identity through dialogue: values, giving first, amplifying,
//! endorsing a competitor.

use std::collections::HashSet;

use uuid::Uuid;

use crate::network::{FirstGives, ValuesAlignment};

use super::{Ctx, EntityKind, PER_CODE, RecommendationCode, TaskKey};

/// Adds this step's recommendations for the tasks still open.
pub(super) fn recommend(cx: &mut Ctx<'_>) {
    let s = cx.s;
    if cx.open(TaskKey::DIALOGUE_VALUES_CHECK) {
        for c in s
            .meet_list()
            .filter(|c| c.values == ValuesAlignment::Unknown)
            .take(PER_CODE)
        {
            cx.push(
                RecommendationCode::CheckValues,
                TaskKey::DIALOGUE_VALUES_CHECK,
                format!(
                    "Check whether {}'s values and interests match yours.",
                    c.name
                ),
                Some((EntityKind::Contact, c.id)),
            );
        }
    }
    if cx.open(TaskKey::DIALOGUE_GIVE_FIRST) {
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
                    TaskKey::DIALOGUE_GIVE_FIRST,
                    format!(
                        "You asked {name} before giving: share their work or champion their cause."
                    ),
                    Some((EntityKind::Contact, ask.contact_id)),
                );
            }
        }
        if s.interactions.iter().all(|i| !i.kind.is_give()) && seen.is_empty() {
            cx.push(RecommendationCode::Give, TaskKey::DIALOGUE_GIVE_FIRST,
                "Give before you ask: share a post, an event or an article of someone you want to meet.".into(), None);
        }
    }
    if cx.open(TaskKey::DIALOGUE_AMPLIFY) {
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
                TaskKey::DIALOGUE_AMPLIFY,
                format!(
                    "Be {}'s publicist: share one of their posts, events or articles.",
                    c.name
                ),
                Some((EntityKind::Contact, c.id)),
            );
        }
    }
    if cx.open(TaskKey::DIALOGUE_ENDORSE_COMPETITOR) {
        match s.contacts.iter().find(|c| c.competitor) {
            Some(c) => cx.push(
                RecommendationCode::EndorseCompetitor,
                TaskKey::DIALOGUE_ENDORSE_COMPETITOR,
                format!(
                    "Endorse or review {}: praising a competitor's good work says a lot about you.",
                    c.name
                ),
                Some((EntityKind::Contact, c.id)),
            ),
            None => cx.push(
                RecommendationCode::EndorseCompetitor,
                TaskKey::DIALOGUE_ENDORSE_COMPETITOR,
                "Add a competitor whose work you admire, then endorse them.".into(),
                None,
            ),
        }
    }
}
