//! Keep in touch: who is due for a reconnect, most overdue first.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::{
    input::CadenceDays,
    network::{Contact, Stage},
    rules::Snapshot,
};

pub use crate::input::CADENCE_MAX_DAYS;
/// Meet-list contacts are worth a touch at least this often, in days.
pub const MEET_LIST_CADENCE_DAYS: u32 = 30;

/// How often a relationship at `stage` wants a touch, in days; `None` for contacts she has not
/// connected with yet.
pub fn default_cadence_days(stage: Stage) -> Option<u32> {
    match stage {
        Stage::Identified => None,
        Stage::Connected => Some(60),
        Stage::Engaged | Stage::Reciprocating => Some(30),
        Stage::Met => Some(45),
        Stage::Collaborating => Some(21),
    }
}

/// The cadence in force for a contact at `stage`, in days: her own, otherwise the stage's,
/// tightened to [`MEET_LIST_CADENCE_DAYS`] for her meet list; `None` when nothing is due.
pub fn cadence_days(contact: &Contact, stage: Stage) -> Option<u32> {
    contact.cadence_days.map(CadenceDays::get).or(
        match (default_cadence_days(stage), contact.on_meet_list) {
            (Some(days), true) => Some(days.min(MEET_LIST_CADENCE_DAYS)),
            (None, true) => Some(MEET_LIST_CADENCE_DAYS),
            (days, false) => days,
        },
    )
}

/// A contact due for a touch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconnect {
    /// Who.
    pub contact_id: Uuid,
    /// The last interaction or meeting together (when she added them, if nothing is logged).
    pub last_touch: DateTime<Utc>,
    /// The cadence in force, in days.
    pub cadence_days: u32,
    /// When the touch was due.
    pub due_at: DateTime<Utc>,
    /// Whole days past due (0 when due today).
    pub overdue_days: i64,
}

/// Contacts whose cadence has run out at `now`, most overdue first (ties: longest since last
/// touch, then id). Her own cadence wins; otherwise the stage's, tightened to
/// [`MEET_LIST_CADENCE_DAYS`] for her meet list.
pub fn due_to_reconnect(s: &Snapshot, now: DateTime<Utc>) -> Vec<Reconnect> {
    let stages = s.stages();
    // The latest touch of each contact up to `now`, in one pass over her history.
    let mut last_interactions: HashMap<Uuid, DateTime<Utc>> = HashMap::new();
    for i in s.interactions.iter().filter(|i| i.occurred_at <= now) {
        let last = last_interactions
            .entry(i.contact_id)
            .or_insert(i.occurred_at);
        *last = (*last).max(i.occurred_at);
    }
    let mut last_meetings: HashMap<Uuid, DateTime<Utc>> = HashMap::new();
    for m in s.meetings.iter().filter(|m| m.occurred_at <= now) {
        for a in &m.attendees {
            let last = last_meetings.entry(*a).or_insert(m.occurred_at);
            *last = (*last).max(m.occurred_at);
        }
    }
    let mut due: Vec<Reconnect> = s
        .contacts
        .iter()
        .filter_map(|c| {
            let stage = stages.get(&c.id).copied().unwrap_or(Stage::Identified);
            let cadence = cadence_days(c, stage)?;
            let last_interaction = last_interactions.get(&c.id).copied();
            let last_meeting = last_meetings.get(&c.id).copied();
            // Logged history wins over the date she added them, which may be later than a
            // touch she logs after the fact.
            let last_touch = last_interaction.max(last_meeting).unwrap_or(c.created_at);
            let due_at = last_touch + Duration::days(i64::from(cadence));
            (due_at <= now).then(|| Reconnect {
                contact_id: c.id,
                last_touch,
                cadence_days: cadence,
                due_at,
                overdue_days: (now - due_at).num_days(),
            })
        })
        .collect();
    due.sort_by(|a, b| {
        a.due_at
            .cmp(&b.due_at)
            .then(a.last_touch.cmp(&b.last_touch))
            .then(a.contact_id.cmp(&b.contact_id))
    });
    due
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{
        InteractionKind, Scope, Sector,
        tests::{contact, interaction},
    };

    #[test]
    fn test_overdue_order_and_reset_by_interaction() {
        let day = |d| DateTime::UNIX_EPOCH + Duration::days(d);
        let mut a = contact(Sector::Media, Scope::City); // connected day 1: due day 61
        let mut b = contact(Sector::Public, Scope::City); // engaged day 10: due day 40
        let c = contact(Sector::Private, Scope::City); // identified, not on the list: never due
        let mut d = contact(Sector::Academia, Scope::City); // identified, on the list: due day 30
        d.on_meet_list = true;
        a.cadence_days = None;
        b.cadence_days = None;
        let mut s = Snapshot {
            contacts: vec![a.clone(), b.clone(), c.clone(), d.clone()],
            interactions: vec![
                interaction(a.id, InteractionKind::Connected, 1),
                interaction(b.id, InteractionKind::SharedPost, 10),
            ],
            ..Snapshot::default()
        };
        let now = day(70);
        let due: Vec<_> = due_to_reconnect(&s, now)
            .iter()
            .map(|r| (r.contact_id, r.overdue_days))
            .collect();
        assert_eq!(due, vec![(d.id, 40), (b.id, 30), (a.id, 9)]);

        // Any interaction resets the clock.
        s.interactions
            .push(interaction(b.id, InteractionKind::Connected, 69));
        let due: Vec<_> = due_to_reconnect(&s, now)
            .iter()
            .map(|r| r.contact_id)
            .collect();
        assert_eq!(due, vec![d.id, a.id]);

        // Her own cadence wins.
        s.contacts[0].cadence_days = Some(CadenceDays::parse("cadence", 90).expect("in range"));
        let due: Vec<_> = due_to_reconnect(&s, now)
            .iter()
            .map(|r| r.contact_id)
            .collect();
        assert_eq!(due, vec![d.id]);
    }
}
