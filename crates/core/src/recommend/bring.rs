//! Step 2, bring together people who share your interests: top people per scope, sectors,
//! the meet list, connecting.

use crate::{
    derived::{scope_index, sector_index},
    network::{Scope, Sector},
    rules::targets,
};

use super::{Ctx, EntityKind, PER_CODE, RecommendationCode, TaskKey};

/// Adds this step's recommendations for the tasks still open.
pub(super) fn recommend(cx: &mut Ctx<'_>) {
    let t = cx.s.totals;
    let count = |n: u32| usize::try_from(n).unwrap_or(usize::MAX);
    // Whatever is open: contacts without a sector and scope count for nothing yet.
    if t.unclassified > 0 {
        let n = t.unclassified;
        cx.push(
            RecommendationCode::ClassifyContacts,
            TaskKey::BRING_CROSS_SECTOR,
            if n == 1 {
                "Give your imported contact a sector and a scope so it counts toward your reach."
                    .to_owned()
            } else {
                format!(
                    "Give your {n} imported contacts a sector and a scope so they count toward your reach."
                )
            },
            None,
        );
    }
    for (key, scope, code, place) in [
        (
            TaskKey::BRING_TOP5_CITY,
            Scope::City,
            RecommendationCode::FindTopCity,
            "in your city",
        ),
        (
            TaskKey::BRING_TOP5_COUNTRY,
            Scope::Country,
            RecommendationCode::FindTopCountry,
            "in your country",
        ),
        (
            TaskKey::BRING_TOP5_GLOBAL,
            Scope::Global,
            RecommendationCode::FindTopGlobal,
            "worldwide",
        ),
    ] {
        if cx.open(key) {
            let have = count(t.top[scope_index(scope)]);
            cx.push(
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
    if cx.open(TaskKey::BRING_CROSS_SECTOR) {
        let per_sector = t.per_sector();
        // Media first, as the guide insists.
        for sector in [
            Sector::Media,
            Sector::Public,
            Sector::Private,
            Sector::Academia,
            Sector::Nonprofit,
        ] {
            if per_sector[sector_index(sector)] == 0 {
                cx.push(
                    RecommendationCode::AddSector,
                    TaskKey::BRING_CROSS_SECTOR,
                    format!("Add an influencer from {}.", sector_name(sector)),
                    None,
                );
            }
        }
    }
    if cx.open(TaskKey::BRING_MEET_LIST) {
        let n = count(t.meet_list);
        if n > targets::MEET_LIST_MAX {
            cx.push(
                RecommendationCode::TrimMeetList,
                TaskKey::BRING_MEET_LIST,
                format!("Your meet list has {n} people; keep the 20 who matter most."),
                None,
            );
        } else {
            cx.push(
                RecommendationCode::GrowMeetList,
                TaskKey::BRING_MEET_LIST,
                format!(
                    "Add {} more people you want to meet to your list (15 to 20 in all).",
                    targets::MEET_LIST_MIN - n.min(targets::MEET_LIST_MIN)
                ),
                None,
            );
        }
    }
    if cx.open(TaskKey::BRING_CONNECT) {
        for c in cx.focus.not_connected.clone().iter().take(PER_CODE) {
            cx.push(
                RecommendationCode::Connect,
                TaskKey::BRING_CONNECT,
                format!("Connect with {} on social media.", c.name),
                Some((EntityKind::Contact, c.id)),
            );
        }
    }
}

fn sector_name(sector: Sector) -> &'static str {
    match sector {
        Sector::Public => "the public sector",
        Sector::Private => "the private sector",
        Sector::Academia => "academia",
        Sector::Nonprofit => "the nonprofit sector",
        Sector::Media => "the media",
    }
}
