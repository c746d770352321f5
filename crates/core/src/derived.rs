//! Derived state that the store keeps up to date write by write, so that a write or a read
//! costs the same whether she has twenty contacts or five thousand.
//!
//! Everything the rules and the score count about her network is a sum over her contacts,
//! and what one contact adds depends only on that contact and its own history. So the store
//! keeps, per contact, the [`ContactFacts`] of its history, and per member, the [`Totals`] of
//! all contacts' [`Totals::contribution`]s. A write that touches some contacts subtracts what
//! they added before, recomputes their facts from their own rows, and adds what they add now.
//! [`Totals::of`] computes the same from scratch; tests check that the two always agree.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    community::Meeting,
    network::{Contact, Interaction, InteractionKind, Scope, Sector, Stage, ValuesAlignment},
    reconnect::cadence_days,
    rules::Snapshot,
};

/// What her history with one contact adds up to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactFacts {
    /// Interactions logged with them.
    pub interactions: u32,
    /// Gives among those.
    pub gives: u32,
    /// Asks among those.
    pub asks: u32,
    /// Asks made at or after her first give to them.
    pub asks_after_give: u32,
    /// Endorsements and reviews of them.
    pub endorsements: u32,
    /// Whether a MET_IN_PERSON interaction is logged.
    pub met_in_person: bool,
    /// Meetings of her communities they attended.
    pub meetings_attended: u32,
    /// Her first give to them.
    pub first_give_at: Option<DateTime<Utc>>,
    /// The latest interaction with them.
    pub last_interaction_at: Option<DateTime<Utc>>,
    /// The latest meeting they attended.
    pub last_meeting_at: Option<DateTime<Utc>>,
    /// Her first ask of them that no give preceded.
    pub first_unpreceded_ask_at: Option<DateTime<Utc>>,
}

impl ContactFacts {
    /// The facts of one contact from its own interactions (any order) and the dates of the
    /// meetings it attended.
    pub fn of<'a>(
        interactions: impl IntoIterator<Item = &'a Interaction>,
        meetings_attended: &[DateTime<Utc>],
    ) -> Self {
        let mine: Vec<&Interaction> = interactions.into_iter().collect();
        let first_give_at = mine
            .iter()
            .filter(|i| i.kind.is_give())
            .map(|i| i.occurred_at)
            .min();
        let count = |f: &dyn Fn(&Interaction) -> bool| -> u32 {
            u32::try_from(mine.iter().filter(|i| f(i)).count()).unwrap_or(u32::MAX)
        };
        Self {
            interactions: count(&|_| true),
            gives: count(&|i| i.kind.is_give()),
            asks: count(&|i| i.kind.is_ask()),
            asks_after_give: count(&|i| {
                i.kind.is_ask() && first_give_at.is_some_and(|g| g <= i.occurred_at)
            }),
            endorsements: count(&|i| i.kind.is_endorsement()),
            met_in_person: mine.iter().any(|i| i.kind == InteractionKind::MetInPerson),
            meetings_attended: u32::try_from(meetings_attended.len()).unwrap_or(u32::MAX),
            first_give_at,
            last_interaction_at: mine.iter().map(|i| i.occurred_at).max(),
            last_meeting_at: meetings_attended.iter().max().copied(),
            first_unpreceded_ask_at: mine
                .iter()
                .filter(|i| i.kind.is_ask() && first_give_at.is_none_or(|g| g > i.occurred_at))
                .map(|i| i.occurred_at)
                .min(),
        }
    }

    /// The facts after one more interaction, without her history; `None` when that takes her
    /// history: a give earlier than every give before it, to someone she has asked, changes
    /// which of those asks a give preceded.
    pub fn with(&self, i: &Interaction) -> Option<ContactFacts> {
        let mut f = *self;
        f.interactions = f.interactions.saturating_add(1);
        f.last_interaction_at = f.last_interaction_at.max(Some(i.occurred_at));
        f.met_in_person |= i.kind == InteractionKind::MetInPerson;
        if i.kind.is_endorsement() {
            f.endorsements = f.endorsements.saturating_add(1);
        }
        if i.kind.is_give() {
            f.gives = f.gives.saturating_add(1);
            if f.first_give_at.is_none_or(|g| i.occurred_at < g) {
                if f.asks > 0 {
                    return None;
                }
                f.first_give_at = Some(i.occurred_at);
            }
        }
        if i.kind.is_ask() {
            f.asks = f.asks.saturating_add(1);
            if f.first_give_at.is_some_and(|g| g <= i.occurred_at) {
                f.asks_after_give = f.asks_after_give.saturating_add(1);
            } else {
                f.first_unpreceded_ask_at = Some(
                    f.first_unpreceded_ask_at
                        .map_or(i.occurred_at, |a| a.min(i.occurred_at)),
                );
            }
        }
        Some(f)
    }

    /// The stage her history with them implies (the same as
    /// [`crate::network::derived_stage`]).
    pub fn derived_stage(&self) -> Stage {
        let met = self.meetings_attended > 0 || self.met_in_person;
        let reciprocal = self.asks_after_give > 0;
        let gave = self.gives > 0;
        match (met, reciprocal, gave, self.interactions == 0) {
            (true, true, _, _) => Stage::Collaborating,
            (true, false, _, _) => Stage::Met,
            (false, true, _, _) => Stage::Reciprocating,
            (false, false, true, _) => Stage::Engaged,
            (false, false, false, false) => Stage::Connected,
            (false, false, false, true) => Stage::Identified,
        }
    }

    /// The contact's stage: hers if she set one, else the derived one.
    pub fn stage(&self, contact: &Contact) -> Stage {
        contact
            .stage_override
            .unwrap_or_else(|| self.derived_stage())
    }

    /// The last touch: the latest interaction or meeting, else the day she added them.
    pub fn last_touch(&self, contact: &Contact) -> DateTime<Utc> {
        self.last_interaction_at
            .max(self.last_meeting_at)
            .unwrap_or(contact.created_at)
    }

    /// When a touch is due (last touch plus the cadence in force); `None` when none is.
    pub fn due_at(&self, contact: &Contact) -> Option<DateTime<Utc>> {
        let cadence = cadence_days(contact, self.stage(contact))?;
        Some(self.last_touch(contact) + chrono::Duration::days(i64::from(cadence)))
    }
}

/// Sums over her contacts: what the rules and the score count about her network.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Classified contacts (the rules count only these).
    pub contacts: u32,
    /// Contacts without a sector or scope yet (imported ones, until she classifies them).
    #[serde(default)]
    pub unclassified: u32,
    /// Contacts per sector (in [`Sector::ALL`] order) and scope (city, country, global).
    pub cells: [[u32; 3]; 5],
    /// Contacts in her industry, per scope.
    pub top: [u32; 3],
    /// Contacts on her meet list.
    pub meet_list: u32,
    /// Meet-list contacts at CONNECTED or beyond.
    pub meet_connected: u32,
    /// Meet-list contacts whose values she checked.
    pub meet_values_known: u32,
    /// Meet-list contacts she has given to.
    pub meet_given: u32,
    /// Gives.
    pub gives: u32,
    /// Asks.
    pub asks: u32,
    /// Asks made after a give to the same person.
    pub asks_after_give: u32,
    /// Contacts she has given to.
    pub receivers: u32,
    /// Competitors she endorsed or reviewed.
    pub competitors_endorsed: u32,
}

/// The index of a scope in [`Totals::cells`] and [`Totals::top`].
pub fn scope_index(scope: Scope) -> usize {
    match scope {
        Scope::City => 0,
        Scope::Country => 1,
        Scope::Global => 2,
    }
}

/// The index of a sector in [`Totals::cells`].
pub fn sector_index(sector: Sector) -> usize {
    Sector::ALL.iter().position(|s| *s == sector).unwrap_or(0)
}

impl Totals {
    /// What one contact adds.
    /// An unclassified contact adds only to [`Totals::unclassified`]: the rules ignore her
    /// until she has a sector and a scope.
    pub fn contribution(contact: &Contact, facts: &ContactFacts) -> Totals {
        let Some((sector, scope)) = contact.classification() else {
            return Totals {
                unclassified: 1,
                ..Totals::default()
            };
        };
        let mut t = Totals {
            contacts: 1,
            ..Totals::default()
        };
        let scope = scope_index(scope);
        t.cells[sector_index(sector)][scope] = 1;
        t.top[scope] = u32::from(contact.in_her_industry);
        if contact.on_meet_list {
            t.meet_list = 1;
            t.meet_connected = u32::from(facts.stage(contact) >= Stage::Connected);
            t.meet_values_known = u32::from(contact.values != ValuesAlignment::Unknown);
            t.meet_given = u32::from(facts.gives > 0);
        }
        t.gives = facts.gives;
        t.asks = facts.asks;
        t.asks_after_give = facts.asks_after_give;
        t.receivers = u32::from(facts.gives > 0);
        t.competitors_endorsed = u32::from(contact.competitor && facts.endorsements > 0);
        t
    }

    fn zip(&mut self, other: &Totals, f: impl Fn(u32, u32) -> u32) {
        let Totals {
            contacts,
            unclassified,
            cells,
            top,
            meet_list,
            meet_connected,
            meet_values_known,
            meet_given,
            gives,
            asks,
            asks_after_give,
            receivers,
            competitors_endorsed,
        } = self;
        *contacts = f(*contacts, other.contacts);
        *unclassified = f(*unclassified, other.unclassified);
        for (row, other_row) in cells.iter_mut().zip(other.cells) {
            for (cell, o) in row.iter_mut().zip(other_row) {
                *cell = f(*cell, o);
            }
        }
        for (t, o) in top.iter_mut().zip(other.top) {
            *t = f(*t, o);
        }
        *meet_list = f(*meet_list, other.meet_list);
        *meet_connected = f(*meet_connected, other.meet_connected);
        *meet_values_known = f(*meet_values_known, other.meet_values_known);
        *meet_given = f(*meet_given, other.meet_given);
        *gives = f(*gives, other.gives);
        *asks = f(*asks, other.asks);
        *asks_after_give = f(*asks_after_give, other.asks_after_give);
        *receivers = f(*receivers, other.receivers);
        *competitors_endorsed = f(*competitors_endorsed, other.competitors_endorsed);
    }

    /// Adds another sum (a contact's contribution).
    pub fn add(&mut self, other: &Totals) {
        self.zip(other, u32::saturating_add);
    }

    /// Takes away another sum (what a contact contributed before a change).
    pub fn sub(&mut self, other: &Totals) {
        self.zip(other, u32::saturating_sub);
    }

    /// Contacts per sector, in [`Sector::ALL`] order.
    pub fn per_sector(&self) -> [u32; 5] {
        self.cells.map(|row| row.iter().sum())
    }

    /// Her totals from scratch.
    pub fn of(s: &Snapshot) -> Totals {
        let facts = s.facts();
        let mut t = Totals::default();
        for c in &s.contacts {
            t.add(&Totals::contribution(
                c,
                &facts.get(&c.id).copied().unwrap_or_default(),
            ));
        }
        t
    }
}

/// The facts of every contact of a snapshot, in one pass over her history.
pub fn facts_of(
    contacts: &[Contact],
    interactions: &[Interaction],
    meetings: &[Meeting],
) -> HashMap<Uuid, ContactFacts> {
    let mut by_contact: HashMap<Uuid, Vec<&Interaction>> = HashMap::new();
    for i in interactions {
        by_contact.entry(i.contact_id).or_default().push(i);
    }
    let mut attended: HashMap<Uuid, Vec<DateTime<Utc>>> = HashMap::new();
    for m in meetings {
        for a in &m.attendees {
            attended.entry(*a).or_default().push(m.occurred_at);
        }
    }
    contacts
        .iter()
        .map(|c| {
            let facts = ContactFacts::of(
                by_contact.remove(&c.id).unwrap_or_default(),
                attended.get(&c.id).map_or(&[][..], Vec::as_slice),
            );
            (c.id, facts)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        input::ContactName,
        network::{InteractionKind, derived_stage},
    };
    use proptest::prelude::*;

    fn day(n: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + chrono::Duration::days(n)
    }

    fn contact(n: u128, fields: (usize, usize, bool, bool, bool, bool)) -> Contact {
        let (sector, scope, industry, meet, competitor, values) = fields;
        Contact {
            id: Uuid::from_u128(n),
            name: ContactName::parse("name", &format!("c{n}")).expect("name"),
            // Now and then unclassified, as an imported contact is.
            sector: Sector::ALL.get(sector % 6).copied(),
            scope: Some([Scope::City, Scope::Country, Scope::Global][scope % 3]),
            emails: vec![],
            company: None,
            job_title: None,
            connected_on: None,
            industry: None,
            in_her_industry: industry,
            on_meet_list: meet,
            competitor,
            values: if values {
                ValuesAlignment::Aligned
            } else {
                ValuesAlignment::Unknown
            },
            tags: vec![],
            links: vec![],
            stage_override: None,
            cadence_days: None,
            created_at: day(0),
        }
    }

    /// One write, as the API can make it.
    #[derive(Debug, Clone)]
    enum Op {
        AddContact((usize, usize, bool, bool, bool, bool)),
        UpdateContact(usize, (usize, usize, bool, bool, bool, bool)),
        DeleteContact(usize),
        LogInteraction(usize, usize, i64),
        DeleteInteraction(usize),
        LogMeeting(Vec<usize>, i64, bool),
        DeleteMeeting(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        let fields = (
            0usize..5,
            0usize..3,
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        );
        prop_oneof![
            2 => fields.clone().prop_map(Op::AddContact),
            1 => (any::<usize>(), fields).prop_map(|(p, f)| Op::UpdateContact(p, f)),
            1 => any::<usize>().prop_map(Op::DeleteContact),
            4 => (any::<usize>(), 0usize..InteractionKind::ALL.len(), 0i64..200)
                .prop_map(|(p, k, d)| Op::LogInteraction(p, k, d)),
            1 => any::<usize>().prop_map(Op::DeleteInteraction),
            1 => (prop::collection::vec(any::<usize>(), 0..3), 0i64..200, any::<bool>())
                .prop_map(|(a, d, p)| Op::LogMeeting(a, d, p)),
            1 => any::<usize>().prop_map(Op::DeleteMeeting),
        ]
    }

    fn facts_of_one(s: &Snapshot, id: Uuid) -> ContactFacts {
        let attended: Vec<DateTime<Utc>> = s
            .meetings
            .iter()
            .filter(|m| m.attendees.contains(&id))
            .map(|m| m.occurred_at)
            .collect();
        ContactFacts::of(
            s.interactions.iter().filter(|i| i.contact_id == id),
            &attended,
        )
    }

    /// Applies `op` to `s` and returns the contacts whose rows or history it touched, the
    /// way the store's writes name them.
    fn apply(s: &mut Snapshot, op: &Op, next: &mut u128) -> Vec<Uuid> {
        let pick = |s: &Snapshot, p: usize| (!s.contacts.is_empty()).then(|| p % s.contacts.len());
        *next += 1;
        match op {
            Op::AddContact(f) => {
                let c = contact(*next, *f);
                s.contacts.push(c.clone());
                vec![c.id]
            }
            Op::UpdateContact(p, f) => pick(s, *p).map_or(vec![], |i| {
                let id = s.contacts[i].id;
                s.contacts[i] = Contact {
                    id,
                    ..contact(0, *f)
                };
                vec![id]
            }),
            Op::DeleteContact(p) => pick(s, *p).map_or(vec![], |i| {
                let id = s.contacts.remove(i).id;
                s.interactions.retain(|x| x.contact_id != id);
                for m in &mut s.meetings {
                    m.attendees.retain(|a| *a != id);
                }
                vec![id]
            }),
            Op::LogInteraction(p, k, d) => pick(s, *p).map_or(vec![], |i| {
                let id = s.contacts[i].id;
                s.interactions.push(Interaction {
                    id: Uuid::from_u128(*next),
                    contact_id: id,
                    kind: InteractionKind::ALL[*k],
                    occurred_at: day(*d),
                    note: None,
                });
                vec![id]
            }),
            Op::DeleteInteraction(p) => {
                if s.interactions.is_empty() {
                    return vec![];
                }
                let gone = s.interactions.remove(p % s.interactions.len());
                vec![gone.contact_id]
            }
            Op::LogMeeting(attendees, d, in_person) => {
                let mut ids: Vec<Uuid> = attendees
                    .iter()
                    .filter_map(|p| pick(s, *p).map(|i| s.contacts[i].id))
                    .collect();
                ids.sort();
                ids.dedup();
                s.meetings.push(Meeting {
                    id: Uuid::from_u128(*next),
                    community_id: Uuid::from_u128(1),
                    occurred_at: day(*d),
                    in_person: *in_person,
                    attendees: ids.clone(),
                    notes: None,
                });
                ids
            }
            Op::DeleteMeeting(p) => {
                if s.meetings.is_empty() {
                    return vec![];
                }
                s.meetings.remove(p % s.meetings.len()).attendees
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// The store's way (take away what the touched contacts added, recompute their facts
        /// from their own history, add what they add now) always equals a from-scratch sum.
        #[test]
        fn prop_incremental_totals_equal_from_scratch(ops in prop::collection::vec(op(), 1..60)) {
            let mut s = Snapshot::default();
            let mut facts: HashMap<Uuid, ContactFacts> = HashMap::new();
            let mut totals = Totals::default();
            let mut next = 10u128;
            for op in &ops {
                // What the touched contacts contributed before the write (from stored facts).
                let before: Vec<(Uuid, Option<Contact>)> = s
                    .contacts
                    .iter()
                    .map(|c| (c.id, Some(c.clone())))
                    .collect();
                let mut probe = s.clone();
                let touched = apply(&mut probe, op, &mut next.clone());
                for id in &touched {
                    if let Some((_, Some(c))) = before.iter().find(|(b, _)| b == id) {
                        totals.sub(&Totals::contribution(c, &facts.get(id).copied().unwrap_or_default()));
                    }
                }
                let touched_again = apply(&mut s, op, &mut next);
                prop_assert_eq!(&touched, &touched_again);
                for id in &touched {
                    match s.contacts.iter().find(|c| c.id == *id) {
                        Some(c) => {
                            let f = facts_of_one(&s, *id);
                            totals.add(&Totals::contribution(c, &f));
                            facts.insert(*id, f);
                        }
                        None => {
                            facts.remove(id);
                        }
                    }
                }
                prop_assert_eq!(totals, Totals::of(&s), "after {:?}", op);
            }
            prop_assert_eq!(facts, s.facts());
        }

        /// One more interaction on top of the facts gives the facts of the longer history,
        /// whenever `with` answers.
        #[test]
        fn prop_one_more_interaction_equals_the_longer_history(
            ops in prop::collection::vec(op(), 1..40),
            kind in 0usize..InteractionKind::ALL.len(),
            d in 0i64..200,
        ) {
            let mut s = Snapshot::default();
            let mut next = 10u128;
            for op in &ops {
                apply(&mut s, op, &mut next);
            }
            for c in s.contacts.clone() {
                let before = facts_of_one(&s, c.id);
                let i = Interaction {
                    id: Uuid::from_u128(next + 1),
                    contact_id: c.id,
                    kind: InteractionKind::ALL[kind],
                    occurred_at: day(d),
                    note: None,
                };
                let mut longer = s.clone();
                longer.interactions.push(i.clone());
                if let Some(f) = before.with(&i) {
                    prop_assert_eq!(f, facts_of_one(&longer, c.id));
                }
            }
        }

        /// The stage the facts imply is the stage the history implies.
        #[test]
        fn prop_facts_stage_is_the_derived_stage(ops in prop::collection::vec(op(), 1..40)) {
            let mut s = Snapshot::default();
            let mut next = 10u128;
            for op in &ops {
                apply(&mut s, op, &mut next);
            }
            let facts = s.facts();
            let mut attended: HashMap<Uuid, usize> = HashMap::new();
            for a in s.meetings.iter().flat_map(|m| &m.attendees) {
                *attended.entry(*a).or_insert(0) += 1;
            }
            for c in &s.contacts {
                prop_assert_eq!(
                    facts[&c.id].derived_stage(),
                    derived_stage(c.id, &s.interactions, attended.get(&c.id).copied().unwrap_or(0))
                );
            }
        }
    }
}
