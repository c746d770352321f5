//! Step 4: communities and their meetings.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    input::CommunityName,
    input::{HttpUrl, Note},
    network::storage_names,
};

/// How long an in-person meeting keeps a community "real-world".
pub const REAL_WORLD_WINDOW_DAYS: i64 = 365;

/// Where a community gathers.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CommunityKind {
    /// Online only.
    Online,
    /// In person.
    InPerson,
    /// Both.
    Hybrid,
}
storage_names!(CommunityKind);

/// Her place on the ladder of a community.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CommunityRole {
    /// Takes part.
    Member,
    /// Contributes regularly.
    Contributor,
    /// Runs it.
    Organizer,
}
storage_names!(CommunityRole);

/// A community she belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Community {
    /// Identifier.
    pub id: Uuid,
    /// Its name.
    pub name: CommunityName,
    /// Where it gathers.
    pub kind: CommunityKind,
    /// Her role.
    pub role: CommunityRole,
    /// Its page.
    pub link: Option<HttpUrl>,
    /// When she added it.
    pub created_at: DateTime<Utc>,
}

/// A meeting of a community.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    /// Identifier.
    pub id: Uuid,
    /// Of which community.
    pub community_id: Uuid,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// Whether people met face to face.
    pub in_person: bool,
    /// Her contacts who attended.
    pub attendees: Vec<Uuid>,
    /// Her notes.
    pub notes: Option<Note>,
}

/// Whether a meeting counts toward real-world activity at `now`: in person, within the last
/// [`REAL_WORLD_WINDOW_DAYS`] days, and not in the future.
pub fn counts_as_real_world(meeting: &Meeting, now: DateTime<Utc>) -> bool {
    meeting.in_person
        && meeting.occurred_at <= now
        && now - meeting.occurred_at <= Duration::days(REAL_WORLD_WINDOW_DAYS)
}

/// Whether a community is real-world at `now`: it had an in-person meeting in the last 12
/// months.
pub fn is_real_world(community: Uuid, meetings: &[Meeting], now: DateTime<Utc>) -> bool {
    meetings
        .iter()
        .any(|m| m.community_id == community && counts_as_real_world(m, now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_real_world_needs_a_recent_in_person_meeting() {
        let now = DateTime::UNIX_EPOCH + Duration::days(1000);
        let community = Uuid::new_v4();
        let meeting = |days_ago: i64, in_person: bool| Meeting {
            id: Uuid::new_v4(),
            community_id: community,
            occurred_at: now - Duration::days(days_ago),
            in_person,
            attendees: vec![],
            notes: None,
        };
        assert!(!is_real_world(community, &[], now));
        assert!(!is_real_world(community, &[meeting(10, false)], now));
        assert!(is_real_world(community, &[meeting(365, true)], now));
        assert!(!is_real_world(community, &[meeting(366, true)], now));
        assert!(!is_real_world(community, &[meeting(-1, true)], now));
        assert!(!is_real_world(Uuid::new_v4(), &[meeting(1, true)], now));
    }
}
