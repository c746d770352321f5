//! What a coach's dashboard reads of many members at once, from their derived state: the
//! rules' inputs, the few contacts their recommendations name, the sectors their contacts
//! cover, and until when all of that holds. A fixed number of statements for any number of
//! members, none of which reads their histories (but for the few contacts with a touch
//! still ahead of the clock), so the memory a cohort's dashboard needs grows with its members,
//! not with their networks.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use herlead_core::{
    UserId,
    cohort::{contact_sectors, summary_stable_until},
    community::REAL_WORLD_WINDOW_DAYS,
    derived::Totals,
    network::{Contact, Sector, Stage},
    recommend::{Focus, PER_CODE},
    reconnect::Reconnect,
    rules::Snapshot,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, Order, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Alias, Asterisk, Expr, ExprTrait, JoinType, Query, SimpleExpr, WindowStatement},
};
use uuid::Uuid;

use crate::{
    RuleData, Store, StoreError,
    convert::{UNCLASSIFIED, corrupt, to_contact, to_totals},
    derived,
    entity::{contact, user},
    snapshot::{load_rule_data_of, load_snapshots},
};

/// What the dashboard needs of one member.
#[derive(Debug, Default, Clone)]
pub struct MemberDigest {
    /// The rules' and the score's inputs.
    pub data: RuleData,
    /// The contacts her recommendations name.
    pub focus: Focus,
    /// The sectors her contacts cover, each once, in [`Sector::ALL`] order.
    pub sectors: Vec<Sector>,
    /// Her contacts' names, sectors and stages, when asked for.
    pub contacts: Option<Vec<(String, Option<Sector>, Stage)>>,
    /// The first instant after `now` at which her score or top recommendation could change
    /// with the clock alone (as [`summary_stable_until`]), or `None`.
    pub stable_until: Option<DateTime<Utc>>,
}

impl Store {
    /// The digests of `users` at `now`, with their contacts for those in `with_contacts`:
    /// about fifteen statements whatever the number of members and the size of their networks.
    /// A member whose derived state was never computed (an account from before it existed
    /// that has not written since) is read from her full history instead.
    pub async fn member_digests(
        &self,
        users: &[UserId],
        with_contacts: &HashSet<UserId>,
        now: DateTime<Utc>,
    ) -> Result<HashMap<UserId, MemberDigest>, StoreError> {
        let conn = &self.db;
        let mut out: HashMap<UserId, MemberDigest> = HashMap::new();
        if users.is_empty() {
            return Ok(out);
        }
        let ids = |users: &[UserId]| users.iter().map(|u| u.0).collect::<Vec<Uuid>>();
        let (mut kept, mut legacy) = (Vec::new(), Vec::new());
        let mut known = HashSet::new();
        for m in user::Entity::find()
            .filter(crate::among(conn, user::Column::Id, ids(users)))
            .all(conn)
            .await?
        {
            known.insert(UserId(m.id));
            match to_totals(&m)? {
                Some(totals) => {
                    kept.push(UserId(m.id));
                    out.insert(
                        UserId(m.id),
                        MemberDigest {
                            data: RuleData {
                                totals,
                                ..RuleData::default()
                            },
                            ..MemberDigest::default()
                        },
                    );
                }
                None => legacy.push(UserId(m.id)),
            }
        }
        // No such account: an empty digest, as an empty snapshot would give.
        for u in users.iter().filter(|u| !known.contains(u)) {
            out.insert(
                *u,
                digest_of(&Snapshot::default(), &HashMap::new(), false, now),
            );
        }
        if !legacy.is_empty() {
            let (snapshots, stages) = load_snapshots(conn, &legacy).await?;
            for (user, snapshot) in snapshots {
                let digest = digest_of(&snapshot, &stages, with_contacts.contains(&user), now);
                out.insert(user, digest);
            }
        }
        if kept.is_empty() {
            return Ok(out);
        }
        let among = |column: contact::Column| crate::among(conn, column, ids(&kept));

        // The rules' inputs: presence, profiles, communities, meetings.
        for (user, data) in load_rule_data_of(conn, &kept, false).await? {
            if let Some(d) = out.get_mut(&user) {
                d.data = RuleData {
                    totals: d.data.totals,
                    ..data
                };
            }
        }

        // The sectors her contacts cover, and the contacts a coach may see.
        let covered: Vec<(Uuid, String)> = contact::Entity::find()
            .select_only()
            .column(contact::Column::UserId)
            .column(contact::Column::Sector)
            .distinct()
            .filter(among(contact::Column::UserId))
            .into_tuple()
            .all(conn)
            .await?;
        let mut sectors: HashMap<UserId, HashSet<Sector>> = HashMap::new();
        for (user, sector) in covered {
            if sector == UNCLASSIFIED {
                continue;
            }
            let sector = Sector::parse(&sector).ok_or_else(|| corrupt("sector", user))?;
            sectors.entry(UserId(user)).or_default().insert(sector);
        }
        for (user, set) in sectors {
            if let Some(d) = out.get_mut(&user) {
                d.sectors = Sector::ALL
                    .iter()
                    .copied()
                    .filter(|s| set.contains(s))
                    .collect();
            }
        }
        let shown: Vec<Uuid> = kept
            .iter()
            .filter(|u| with_contacts.contains(u))
            .map(|u| u.0)
            .collect();
        for u in &kept {
            if with_contacts.contains(u)
                && let Some(d) = out.get_mut(u)
            {
                d.contacts = Some(vec![]);
            }
        }
        if !shown.is_empty() {
            let rows: Vec<(Uuid, Uuid, String, String, String)> = contact::Entity::find()
                .select_only()
                .column(contact::Column::UserId)
                .column(contact::Column::Id)
                .column(contact::Column::Name)
                .column(contact::Column::Sector)
                .column(contact::Column::Stage)
                .filter(crate::among(conn, contact::Column::UserId, shown))
                .order_by_asc(contact::Column::Id)
                .into_tuple()
                .all(conn)
                .await?;
            for (user, id, name, sector, stage) in rows {
                let sector = (sector != UNCLASSIFIED)
                    .then(|| Sector::parse(&sector).ok_or_else(|| corrupt("sector", id)))
                    .transpose()?;
                let stage = Stage::parse(&stage).ok_or_else(|| corrupt("stage", id))?;
                if let Some(list) = out.get_mut(&UserId(user)).and_then(|d| d.contacts.as_mut()) {
                    list.push((name, sector, stage));
                }
            }
        }

        // The contacts her recommendations name (as `Store::focus` reads them, for everyone
        // at once: the first few per member by a window over her rows).
        let mut lists: [HashMap<UserId, Vec<contact::Model>>; 5] = Default::default();
        for (rows, spec) in lists.iter_mut().zip(derived::focus_lists()) {
            let filter = among(contact::Column::UserId).and(spec.filter);
            *rows = first_per_user(conn, filter, &spec.order, spec.limit).await?;
        }
        let per = u64::try_from(PER_CODE).unwrap_or(5);
        let due = derived::due_list(now, per);
        let mut overdue = first_per_user(
            conn,
            among(contact::Column::UserId).and(due.filter),
            &due.order,
            due.limit,
        )
        .await?;
        // Contacts with a touch still ahead of `now`, from their own history (see
        // `Store::due_to_reconnect`): their due dates and the instants they change at.
        let ahead_models = contact::Entity::find()
            .filter(among(contact::Column::UserId))
            .filter(contact::Column::LastTouchAt.gt(now))
            .all(conn)
            .await?;
        let mut ahead_of: HashMap<UserId, Vec<Contact>> = HashMap::new();
        for m in ahead_models {
            let user = UserId(m.user_id);
            ahead_of.entry(user).or_default().push(to_contact(m)?.0);
        }
        let all_ahead: Vec<Contact> = ahead_of.values().flatten().cloned().collect();
        let history = derived::history_snapshot(conn, all_ahead).await?;
        // The earliest due date still ahead of `now`, per member.
        let next_due: Vec<(Uuid, Option<DateTime<Utc>>)> = contact::Entity::find()
            .select_only()
            .column(contact::Column::UserId)
            .column_as(contact::Column::DueAt.min(), "next_due")
            .filter(among(contact::Column::UserId))
            .filter(contact::Column::DueAt.gt(now))
            .group_by(contact::Column::UserId)
            .into_tuple()
            .all(conn)
            .await?;
        let next_due: HashMap<UserId, DateTime<Utc>> = next_due
            .into_iter()
            .filter_map(|(u, at)| Some((UserId(u), at?)))
            .collect();

        let window = Duration::days(REAL_WORLD_WINDOW_DAYS);
        for user in kept {
            let ahead = mini_snapshot(&history, ahead_of.remove(&user).unwrap_or_default());
            let due: Vec<(Contact, Stage, Reconnect)> = overdue
                .remove(&user)
                .unwrap_or_default()
                .into_iter()
                .map(|m| derived::due_entry(m, now))
                .collect::<Result<_, _>>()?;
            let due = derived::merge_due(due, &ahead, now, PER_CODE);
            let mine = lists
                .each_mut()
                .map(|list| list.remove(&user).unwrap_or_default());
            let focus = derived::focus_from(mine, due)?;
            let Some(d) = out.get_mut(&user) else {
                continue;
            };
            d.focus = focus;
            // When the clock alone could change her summary: a meeting passing from future
            // to past or leaving the real-world window, a kept due date coming, and the
            // instants of the contacts whose touch is still ahead.
            let meetings = d.data.meetings.iter().flat_map(|m| {
                [
                    m.occurred_at,
                    m.occurred_at + window + Duration::nanoseconds(1),
                ]
            });
            d.stable_until = meetings
                .chain(next_due.get(&user).copied())
                .chain(summary_stable_until(&ahead, now))
                .filter(|t| *t > now)
                .min();
        }
        Ok(out)
    }
}

/// A member's digest from her full history.
fn digest_of(
    s: &Snapshot,
    stages: &HashMap<Uuid, String>,
    with_contacts: bool,
    now: DateTime<Utc>,
) -> MemberDigest {
    let derived_stages = s.stages();
    MemberDigest {
        data: RuleData {
            presence: s.presence.clone(),
            profiles: s.profiles.clone(),
            communities: s.communities.clone(),
            meetings: s.meetings.clone(),
            totals: Totals::of(s),
        },
        focus: Focus::of(s, now),
        sectors: contact_sectors(s),
        contacts: with_contacts.then(|| {
            s.contacts
                .iter()
                .map(|c| {
                    let stage = derived_stages
                        .get(&c.id)
                        .copied()
                        .or_else(|| stages.get(&c.id).and_then(|s| Stage::parse(s)))
                        .unwrap_or(Stage::Identified);
                    (c.name.as_str().to_owned(), c.sector, stage)
                })
                .collect()
        }),
        stable_until: summary_stable_until(s, now),
    }
}

/// The part of `history` (the interactions and meetings of every member's contacts with a
/// touch ahead of the clock) that concerns `contacts`.
fn mini_snapshot(history: &Snapshot, contacts: Vec<Contact>) -> Snapshot {
    if contacts.is_empty() {
        return Snapshot::default();
    }
    let ids: HashSet<Uuid> = contacts.iter().map(|c| c.id).collect();
    Snapshot {
        interactions: history
            .interactions
            .iter()
            .filter(|i| ids.contains(&i.contact_id))
            .cloned()
            .collect(),
        meetings: history
            .meetings
            .iter()
            .filter_map(|m| {
                let attendees: Vec<Uuid> = m
                    .attendees
                    .iter()
                    .copied()
                    .filter(|a| ids.contains(a))
                    .collect();
                (!attendees.is_empty()).then(|| herlead_core::community::Meeting {
                    attendees,
                    ..m.clone()
                })
            })
            .collect(),
        contacts,
        ..Snapshot::default()
    }
}

/// The first `n` contact rows of each member matching `filter`, in `order`: one statement, a
/// `ROW_NUMBER()` window partitioned by member. The window ranks ids only, and the full rows
/// of the first `n` are joined in after: ranking whole rows made the database sort every
/// matching contact with all its columns (the due list of a 200-member cohort with 500
/// contacts each: 0.41 s of the dashboard's 0.82 s, BENCHMARKS.md).
async fn first_per_user(
    conn: &impl ConnectionTrait,
    filter: SimpleExpr,
    order: &[(contact::Column, Order)],
    n: u64,
) -> Result<HashMap<UserId, Vec<contact::Model>>, StoreError> {
    let mut window = WindowStatement::partition_by(contact::Column::UserId);
    for (column, direction) in order {
        window.order_by(*column, direction.clone());
    }
    let rank = Alias::new("herlead_rank");
    let ranked = Alias::new("herlead_ranked");
    let ranked_id = Alias::new("herlead_id");
    let mut inner = Query::select();
    inner
        .expr_as(
            Expr::col((contact::Entity, contact::Column::Id)),
            ranked_id.clone(),
        )
        .expr_window_as(Expr::cust("ROW_NUMBER()"), window, rank.clone())
        .from(contact::Entity)
        .and_where(filter);
    let outer = Query::select()
        .column((contact::Entity, Asterisk))
        .column((ranked.clone(), rank.clone()))
        .from(contact::Entity)
        .join_subquery(
            JoinType::InnerJoin,
            inner,
            ranked.clone(),
            Expr::col((contact::Entity, contact::Column::Id)).equals((ranked.clone(), ranked_id)),
        )
        .and_where(Expr::col((ranked, rank)).lte(n))
        .to_owned();
    let statement = conn.get_database_backend().build(&outer);
    let mut out: HashMap<UserId, Vec<(i64, contact::Model)>> = HashMap::new();
    for row in conn.query_all_raw(statement).await? {
        let model = contact::Model::from_query_result(&row, "")?;
        let rank: i64 = row.try_get("", "herlead_rank")?;
        out.entry(UserId(model.user_id))
            .or_default()
            .push((rank, model));
    }
    Ok(out
        .into_iter()
        .map(|(user, mut rows)| {
            rows.sort_by_key(|(rank, _)| *rank);
            (user, rows.into_iter().map(|(_, m)| m).collect())
        })
        .collect())
}
