//! Step 4, act collectively: in-person meetings and five communities that meet face to
//! face; and reconnecting with overdue contacts.

use crate::{
    community::{CommunityKind, is_real_world},
    rules::targets,
};

use super::{Ctx, EntityKind, PER_CODE, RecommendationCode, TaskKey};

/// Adds this step's recommendations for the tasks still open.
pub(super) fn recommend(cx: &mut Ctx<'_>) {
    let s = cx.s;
    let now = cx.now;
    if cx.open(TaskKey::ACT_IN_PERSON) {
        let online: Vec<_> = s
            .communities
            .iter()
            .filter(|c| c.kind != CommunityKind::InPerson)
            .collect();
        if online.is_empty() {
            cx.push(
                RecommendationCode::JoinCommunity,
                TaskKey::ACT_IN_PERSON,
                "Add the online communities you take part in.".into(),
                None,
            );
        }
        for c in online.into_iter().take(PER_CODE) {
            cx.push(
                RecommendationCode::MeetInPerson,
                TaskKey::ACT_IN_PERSON,
                format!("Organize an in-person meeting of {}.", c.name),
                Some((EntityKind::Community, c.id)),
            );
        }
    }
    if cx.open(TaskKey::ACT_FIVE_COMMUNITIES) {
        let dormant: Vec<_> = s
            .communities
            .iter()
            .filter(|c| !is_real_world(c.id, s.meetings, now))
            .collect();
        let active = s.communities.len() - dormant.len();
        for c in dormant
            .iter()
            .filter(|c| c.kind != CommunityKind::Online)
            .take(PER_CODE)
        {
            cx.push(
                RecommendationCode::MeetInPerson,
                TaskKey::ACT_FIVE_COMMUNITIES,
                format!(
                    "Meet {} in person again: it has not met face to face in the last 12 months.",
                    c.name
                ),
                Some((EntityKind::Community, c.id)),
            );
        }
        if s.communities.len() < targets::COMMUNITIES {
            cx.push(
                RecommendationCode::JoinCommunity,
                TaskKey::ACT_FIVE_COMMUNITIES,
                format!("Join more communities that meet in person: {active} of 5 so far."),
                None,
            );
        }
    }
}

/// Contacts overdue for a touch, tied to the task the touch advances.
pub(super) fn reconnect(cx: &mut Ctx<'_>) {
    let now = cx.now;
    for (c, r) in cx.focus.overdue.iter().take(PER_CODE) {
        let task = if c.on_meet_list {
            TaskKey::DIALOGUE_AMPLIFY
        } else {
            TaskKey::BRING_CONNECT
        };
        cx.push(
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
}
