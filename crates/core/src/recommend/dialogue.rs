//! Step 3, form a common identity through dialogue: values, giving first, amplifying,
//! endorsing a competitor.

use super::{Ctx, EntityKind, PER_CODE, RecommendationCode, TaskKey};

/// Adds this step's recommendations for the tasks still open.
pub(super) fn recommend(cx: &mut Ctx<'_>) {
    let focus = cx.focus;
    if cx.open(TaskKey::DIALOGUE_VALUES_CHECK) {
        for c in focus.values_unknown.iter().take(PER_CODE) {
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
        for c in focus.asked_before_giving.iter().take(PER_CODE) {
            cx.push(
                RecommendationCode::GiveBeforeAsking,
                TaskKey::DIALOGUE_GIVE_FIRST,
                format!(
                    "You asked {} before giving: share their work or champion their cause.",
                    c.name
                ),
                Some((EntityKind::Contact, c.id)),
            );
        }
        if cx.s.totals.gives == 0 && focus.asked_before_giving.is_empty() {
            cx.push(RecommendationCode::Give, TaskKey::DIALOGUE_GIVE_FIRST,
                "Give before you ask: share a post, an event or an article of someone you want to meet.".into(), None);
        }
    }
    if cx.open(TaskKey::DIALOGUE_AMPLIFY) {
        for c in focus.not_given.iter().take(PER_CODE) {
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
        match &focus.competitor {
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
