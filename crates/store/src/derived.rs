//! Keeps a member's derived state up to date inside her writes (see `herlead_core::derived`):
//! each contact's facts, stage, last touch and due date, and her totals. A write names the
//! contacts it touches; [`before`] reads what they contributed, the write changes its rows,
//! and [`after`] recomputes those contacts from their own history (three statements for
//! any number of them) and moves her totals by the difference. The cost depends on the
//! contacts touched, not on how many she has.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use herlead_core::{
    UserId,
    community::Meeting,
    derived::{ContactFacts, Totals, facts_of},
    network::{Contact, Interaction, Stage, ValuesAlignment},
    recommend::{Focus, PER_CODE},
    reconnect::{Reconnect, cadence_days, due_to_reconnect},
    rules::Snapshot,
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, Order, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait, SimpleExpr},
};
use uuid::Uuid;

use crate::{
    StoreError,
    convert::{
        classified, corrupt, json_text, to_contact, to_facts, to_interaction, to_meeting, to_totals,
    },
    entity::{contact, interaction, meeting, meeting_attendee, user},
    snapshot::load_snapshot,
};

/// What the touched contacts contributed before the write.
#[derive(Debug)]
pub(crate) struct Before {
    ids: Vec<Uuid>,
    contributed: Totals,
}

/// Her stored totals, computing and storing them from scratch the first time (after the
/// upgrade that introduced them).
pub(crate) async fn ensure(
    conn: &impl ConnectionTrait,
    user: UserId,
) -> Result<Totals, StoreError> {
    let Some(model) = user::Entity::find_by_id(user.0).one(conn).await? else {
        // No such account: nothing to keep, and the write itself fails on her foreign key.
        return Ok(Totals::default());
    };
    match to_totals(&model)? {
        Some(totals) => Ok(totals),
        None => rebuild(conn, user).await,
    }
}

/// Whether her derived state has been computed (it has for every account created since it
/// exists, and for every other one after its first write).
pub(crate) async fn computed(
    conn: &impl ConnectionTrait,
    user: UserId,
) -> Result<bool, StoreError> {
    let model = user::Entity::find_by_id(user.0).one(conn).await?;
    Ok(model.is_some_and(|m| m.network_totals.is_some()))
}

/// Her stored totals, or what they would be, without writing (for reads).
pub(crate) async fn totals(
    conn: &impl ConnectionTrait,
    user: UserId,
) -> Result<Totals, StoreError> {
    match stored_totals(conn, user).await? {
        Some(totals) => Ok(totals),
        None => Ok(Totals::of(&load_snapshot(conn, user).await?.0)),
    }
}

/// Her stored totals; `None` while they have not been computed (see [`computed`]).
pub(crate) async fn stored_totals(
    conn: &impl ConnectionTrait,
    user: UserId,
) -> Result<Option<Totals>, StoreError> {
    let model = user::Entity::find_by_id(user.0).one(conn).await?;
    Ok(model.as_ref().map(to_totals).transpose()?.flatten())
}

/// Recomputes every contact's derived columns and her totals from scratch, in one pass over
/// her history: for the first write after the upgrade and for bulk imports.
pub(crate) async fn rebuild(
    conn: &impl ConnectionTrait,
    user: UserId,
) -> Result<Totals, StoreError> {
    let (snapshot, _) = load_snapshot(conn, user).await?;
    let facts = facts_of(
        &snapshot.contacts,
        &snapshot.interactions,
        &snapshot.meetings,
    );
    let mut totals = Totals::default();
    for c in &snapshot.contacts {
        let f = facts.get(&c.id).copied().unwrap_or_default();
        totals.add(&Totals::contribution(c, &f));
        store_facts(conn, c, &f).await?;
    }
    save_totals(conn, user, &totals).await?;
    Ok(totals)
}

/// Reads what `ids` (contacts of hers, existing or not yet) contribute now.
pub(crate) async fn before(
    conn: &impl ConnectionTrait,
    user: UserId,
    ids: &[Uuid],
) -> Result<Before, StoreError> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    let mut contributed = Totals::default();
    for m in contacts_of(conn, user, &ids).await? {
        let facts = to_facts(&m)?.unwrap_or_default();
        let (c, _) = to_contact(m)?;
        contributed.add(&Totals::contribution(&c, &facts));
    }
    Ok(Before { ids, contributed })
}

/// After the write: recomputes the touched contacts' facts from their own history, stores
/// their stage, last touch and due date, and moves her totals by what changed.
pub(crate) async fn after(
    conn: &impl ConnectionTrait,
    user: UserId,
    before: Before,
) -> Result<(), StoreError> {
    if before.ids.is_empty() {
        return Ok(());
    }
    let contacts: Vec<Contact> = contacts_of(conn, user, &before.ids)
        .await?
        .into_iter()
        .map(|m| to_contact(m).map(|(c, _)| c))
        .collect::<Result<_, _>>()?;
    let facts = facts_for(conn, &contacts).await?;
    let mut totals = ensure(conn, user).await?;
    totals.sub(&before.contributed);
    for c in &contacts {
        let f = facts.get(&c.id).copied().unwrap_or_default();
        totals.add(&Totals::contribution(c, &f));
        store_facts(conn, c, &f).await?;
    }
    save_totals(conn, user, &totals).await
}

/// After a write that changed one contact's facts from `old` to `new` (known without reading
/// its history): moves her totals by the difference and stores the contact's derived columns.
/// Three statements.
pub(crate) async fn after_one(
    conn: &impl ConnectionTrait,
    user: UserId,
    contact: &Contact,
    old: &ContactFacts,
    new: &ContactFacts,
) -> Result<(), StoreError> {
    let mut totals = ensure(conn, user).await?;
    totals.sub(&Totals::contribution(contact, old));
    totals.add(&Totals::contribution(contact, new));
    store_facts(conn, contact, new).await?;
    save_totals(conn, user, &totals).await
}

async fn contacts_of(
    conn: &impl ConnectionTrait,
    user: UserId,
    ids: &[Uuid],
) -> Result<Vec<contact::Model>, StoreError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(contact::Entity::find()
        .filter(contact::Column::UserId.eq(user.0))
        .filter(contact::Column::Id.is_in(ids.to_vec()))
        .all(conn)
        .await?)
}

/// The facts of some contacts from their own interactions and meetings: three statements.
async fn facts_for(
    conn: &impl ConnectionTrait,
    contacts: &[Contact],
) -> Result<HashMap<Uuid, ContactFacts>, StoreError> {
    let (interactions, meetings) = history_of(conn, contacts).await?;
    Ok(facts_of(contacts, &interactions, &meetings))
}

/// A due contact's index row as the contact, its stage and its reconnect entry at `now`.
pub(crate) fn due_entry(
    m: contact::Model,
    now: DateTime<Utc>,
) -> Result<(Contact, Stage, Reconnect), StoreError> {
    let (due_at, last_touch) = (m.due_at, m.last_touch_at);
    let (c, stage) = to_contact(m)?;
    let stage = Stage::parse(&stage).ok_or_else(|| corrupt("stage", c.id))?;
    let (Some(due_at), Some(last_touch), Some(cadence)) =
        (due_at, last_touch, cadence_days(&c, stage))
    else {
        return Err(corrupt("due date", c.id));
    };
    let reconnect = Reconnect {
        contact_id: c.id,
        last_touch,
        cadence_days: cadence,
        due_at,
        overdue_days: (now - due_at).num_days(),
    };
    Ok((c, stage, reconnect))
}

/// Some contacts with their own history (interactions, and the meetings they attended with
/// only them as attendees) as a snapshot: three statements, none when `contacts` is empty.
pub(crate) async fn history_snapshot(
    conn: &impl ConnectionTrait,
    contacts: Vec<Contact>,
) -> Result<Snapshot, StoreError> {
    if contacts.is_empty() {
        return Ok(Snapshot::default());
    }
    let (interactions, meetings) = history_of(conn, &contacts).await?;
    Ok(Snapshot {
        contacts,
        interactions,
        meetings,
        ..Snapshot::default()
    })
}

/// The interactions of some contacts and the meetings they attended (with only them as
/// attendees): three statements.
pub(crate) async fn history_of(
    conn: &impl ConnectionTrait,
    contacts: &[Contact],
) -> Result<(Vec<Interaction>, Vec<Meeting>), StoreError> {
    let ids: Vec<Uuid> = contacts.iter().map(|c| c.id).collect();
    if ids.is_empty() {
        return Ok((vec![], vec![]));
    }
    let interactions = interaction::Entity::find()
        .filter(interaction::Column::ContactId.is_in(ids.clone()))
        .all(conn)
        .await?
        .into_iter()
        .map(to_interaction)
        .collect::<Result<Vec<_>, _>>()?;
    let attendance: Vec<(Uuid, Uuid)> = meeting_attendee::Entity::find()
        .select_only()
        .column(meeting_attendee::Column::MeetingId)
        .column(meeting_attendee::Column::ContactId)
        .filter(meeting_attendee::Column::ContactId.is_in(ids))
        .into_tuple()
        .all(conn)
        .await?;
    if attendance.is_empty() {
        return Ok((interactions, vec![]));
    }
    let mut attendees: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (meeting, contact) in attendance {
        attendees.entry(meeting).or_default().push(contact);
    }
    let meetings = meeting::Entity::find()
        .filter(meeting::Column::Id.is_in(attendees.keys().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| {
            let who = attendees.remove(&m.id).unwrap_or_default();
            to_meeting(m, who)
        })
        .collect();
    Ok((interactions, meetings))
}

async fn store_facts(
    conn: &impl ConnectionTrait,
    c: &Contact,
    facts: &ContactFacts,
) -> Result<(), StoreError> {
    contact::Entity::update_many()
        .set(contact::ActiveModel {
            facts: Set(Some(json_text(facts))),
            stage: Set(facts.stage(c).as_str().to_owned()),
            last_touch_at: Set(Some(crate::db_time(facts.last_touch(c)))),
            due_at: Set(facts.due_at(c).map(crate::db_time)),
            gives: Set(Some(i32::try_from(facts.gives).unwrap_or(i32::MAX))),
            first_unpreceded_ask_at: Set(facts.first_unpreceded_ask_at.map(crate::db_time)),
            ..Default::default()
        })
        .filter(contact::Column::Id.eq(c.id))
        .exec(conn)
        .await?;
    Ok(())
}

async fn save_totals(
    conn: &impl ConnectionTrait,
    user: UserId,
    totals: &Totals,
) -> Result<(), StoreError> {
    user::Entity::update_many()
        .col_expr(user::Column::NetworkTotals, Expr::value(json_text(totals)))
        .filter(user::Column::Id.eq(user.0))
        .exec(conn)
        .await?;
    Ok(())
}

/// The contacts who attended some meetings (before those meetings change).
pub(crate) async fn attendees_of(
    conn: &impl ConnectionTrait,
    meetings: Vec<Uuid>,
) -> Result<Vec<Uuid>, StoreError> {
    if meetings.is_empty() {
        return Ok(vec![]);
    }
    Ok(meeting_attendee::Entity::find()
        .select_only()
        .column(meeting_attendee::Column::ContactId)
        .filter(meeting_attendee::Column::MeetingId.is_in(meetings))
        .into_tuple()
        .all(conn)
        .await?)
}

/// The due contacts read from the index merged with those whose touch is still ahead of
/// `now` (recomputed from `ahead`, their own history): most overdue first, ties by the
/// longest since last touch, then id; at most `take`.
pub(crate) fn merge_due(
    mut due: Vec<(Contact, Stage, Reconnect)>,
    ahead: &Snapshot,
    now: DateTime<Utc>,
    take: usize,
) -> Vec<(Contact, Stage, Reconnect)> {
    if !ahead.contacts.is_empty() {
        due.extend(with_contacts(ahead, due_to_reconnect(ahead, now), take));
    }
    due.sort_by(|(_, _, a), (_, _, b)| {
        a.due_at
            .cmp(&b.due_at)
            .then(a.last_touch.cmp(&b.last_touch))
            .then(a.contact_id.cmp(&b.contact_id))
    });
    due.truncate(take);
    due
}

pub(crate) fn with_contacts(
    s: &Snapshot,
    due: Vec<Reconnect>,
    take: usize,
) -> Vec<(Contact, Stage, Reconnect)> {
    let stages = s.stages();
    due.into_iter()
        .take(take)
        .filter_map(|r| {
            let c = s.contacts.iter().find(|c| c.id == r.contact_id)?;
            Some((c.clone(), stages.get(&c.id).copied()?, r))
        })
        .collect()
}

/// One of the contact lists her recommendations name (see `Focus`), as a query over kept
/// columns: which rows, in which order, how many.
#[derive(Debug)]
pub(crate) struct FocusList {
    /// The rows (her rows still to be chosen by the caller).
    pub(crate) filter: SimpleExpr,
    /// Their order.
    pub(crate) order: Vec<(contact::Column, Order)>,
    /// How many.
    pub(crate) limit: u64,
}

/// The five focus lists in `Focus`'s field order: not connected, values unknown, asked
/// before giving, not given, competitor. Each leaves out the contacts she has not classified
/// (the rules ignore them). `Store::focus` reads them for one member with `LIMIT`, the
/// dashboard's digests for many with a window per member.
pub(crate) fn focus_lists() -> [FocusList; 5] {
    let per = u64::try_from(PER_CODE).unwrap_or(5);
    let by_id = || vec![(contact::Column::Id, Order::Asc)];
    let meet = || contact::Column::OnMeetList.eq(true).and(classified());
    [
        FocusList {
            filter: meet().and(contact::Column::Stage.eq(Stage::Identified.as_str())),
            order: by_id(),
            limit: per,
        },
        FocusList {
            filter: meet()
                .and(contact::Column::ValuesAlignment.eq(ValuesAlignment::Unknown.as_str())),
            order: by_id(),
            limit: per,
        },
        FocusList {
            filter: classified().and(contact::Column::FirstUnprecededAskAt.is_not_null()),
            // By her first such ask, then id.
            order: vec![
                (contact::Column::FirstUnprecededAskAt, Order::Asc),
                (contact::Column::Id, Order::Asc),
            ],
            limit: per,
        },
        FocusList {
            filter: meet().and(contact::Column::Gives.eq(0)),
            order: by_id(),
            limit: per,
        },
        FocusList {
            filter: classified().and(contact::Column::Competitor.eq(true)),
            order: by_id(),
            limit: 1,
        },
    ]
}

/// Contacts whose kept due date has come at `now`, most overdue first (ties: longest since
/// last touch, then id), at most `limit`, as a focus list.
pub(crate) fn due_list(now: DateTime<Utc>, limit: u64) -> FocusList {
    FocusList {
        filter: contact::Column::DueAt.lte(now),
        order: vec![
            (contact::Column::DueAt, Order::Asc),
            (contact::Column::LastTouchAt, Order::Asc),
            (contact::Column::Id, Order::Asc),
        ],
        limit,
    }
}

/// Focus lists as read (see [`focus_lists`]) and the overdue contacts, as a [`Focus`].
pub(crate) fn focus_from(
    lists: [Vec<contact::Model>; 5],
    overdue: Vec<(Contact, Stage, Reconnect)>,
) -> Result<Focus, StoreError> {
    let contacts = |rows: Vec<contact::Model>| {
        rows.into_iter()
            .map(|m| to_contact(m).map(|(c, _)| c))
            .collect::<Result<Vec<_>, StoreError>>()
    };
    let [
        not_connected,
        values_unknown,
        asked_before_giving,
        not_given,
        competitor,
    ] = lists;
    Ok(Focus {
        not_connected: contacts(not_connected)?,
        values_unknown: contacts(values_unknown)?,
        asked_before_giving: contacts(asked_before_giving)?,
        not_given: contacts(not_given)?,
        competitor: contacts(competitor)?.into_iter().next(),
        overdue: overdue.into_iter().map(|(c, _, r)| (c, r)).collect(),
    })
}
