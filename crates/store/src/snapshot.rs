//! Loads everything the rules read about a member (or many members at once) from her rows.
//! Used by the rules' sync, the reads and the cohort dashboard.

use std::collections::HashMap;

use herlead_core::{
    UserId,
    community::{Community, Meeting},
    derived::Totals,
    presence::{Presence, Profile},
    rules::{Inputs, Snapshot},
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::{
    Store, StoreError,
    convert::{to_community, to_contact, to_interaction, to_meeting, to_presence, to_profile},
    entity::{community, contact, interaction, meeting, meeting_attendee, presence, profile},
};

/// Loads everything the rules read, with the stage stored for each contact.
pub(crate) async fn load_snapshot(
    conn: &impl ConnectionTrait,
    user: UserId,
) -> Result<(Snapshot, HashMap<Uuid, String>), StoreError> {
    let (mut snapshots, stages) = load_snapshots(conn, &[user]).await?;
    Ok((snapshots.remove(&user).unwrap_or_default(), stages))
}

/// Loads the data of many users with one statement per table, whatever their number, with
/// the stage stored for each contact.
pub(crate) async fn load_snapshots(
    conn: &impl ConnectionTrait,
    users: &[UserId],
) -> Result<(HashMap<UserId, Snapshot>, HashMap<Uuid, String>), StoreError> {
    let ids: Vec<Uuid> = users.iter().map(|u| u.0).collect();
    let mut out: HashMap<UserId, Snapshot> =
        users.iter().map(|u| (*u, Snapshot::default())).collect();
    let mut stages = HashMap::new();
    if ids.is_empty() {
        return Ok((out, stages));
    }
    for (user, data) in load_rule_data_of(conn, users, true).await? {
        if let Some(s) = out.get_mut(&user) {
            s.presence = data.presence;
            s.profiles = data.profiles;
            s.communities = data.communities;
            s.meetings = data.meetings;
        }
    }
    for m in contact::Entity::find()
        .filter(crate::among(conn, contact::Column::UserId, ids.clone()))
        .order_by_asc(contact::Column::Id)
        .all(conn)
        .await?
    {
        let user = UserId(m.user_id);
        let (value, stage) = to_contact(m)?;
        stages.insert(value.id, stage);
        if let Some(s) = out.get_mut(&user) {
            s.contacts.push(value);
        }
    }
    for m in interaction::Entity::find()
        .filter(crate::among(conn, interaction::Column::UserId, ids.clone()))
        .order_by_asc(interaction::Column::OccurredAt)
        .order_by_asc(interaction::Column::Id)
        .all(conn)
        .await?
    {
        let user = UserId(m.user_id);
        let value = to_interaction(m)?;
        if let Some(s) = out.get_mut(&user) {
            s.interactions.push(value);
        }
    }
    Ok((out, stages))
}

/// What the rules read besides her contacts, for many users at once (their totals left at
/// zero: `derived` owns them): presence, profiles and communities oldest first, meetings
/// newest first, with their attendees when `attendees` is set. One statement per table
/// (two for meetings with attendees), whatever the number of users.
pub(crate) async fn load_rule_data_of(
    conn: &impl ConnectionTrait,
    users: &[UserId],
    attendees: bool,
) -> Result<HashMap<UserId, RuleData>, StoreError> {
    let ids: Vec<Uuid> = users.iter().map(|u| u.0).collect();
    let mut out: HashMap<UserId, RuleData> =
        users.iter().map(|u| (*u, RuleData::default())).collect();
    if ids.is_empty() {
        return Ok(out);
    }
    for m in presence::Entity::find()
        .filter(crate::among(conn, presence::Column::UserId, ids.clone()))
        .all(conn)
        .await?
    {
        let user = UserId(m.user_id);
        let value = to_presence(m)?;
        if let Some(d) = out.get_mut(&user) {
            d.presence = value;
        }
    }
    for m in profile::Entity::find()
        .filter(crate::among(conn, profile::Column::UserId, ids.clone()))
        .order_by_asc(profile::Column::Id)
        .all(conn)
        .await?
    {
        let user = UserId(m.user_id);
        let value = to_profile(m)?;
        if let Some(d) = out.get_mut(&user) {
            d.profiles.push(value);
        }
    }
    for m in community::Entity::find()
        .filter(crate::among(conn, community::Column::UserId, ids.clone()))
        .order_by_asc(community::Column::Id)
        .all(conn)
        .await?
    {
        let user = UserId(m.user_id);
        let value = to_community(m)?;
        if let Some(d) = out.get_mut(&user) {
            d.communities.push(value);
        }
    }
    let meetings = if attendees {
        load_meetings_of(conn, ids, None).await?
    } else {
        // The rules read when meetings happened, not who came.
        meeting::Entity::find()
            .filter(crate::among(conn, meeting::Column::UserId, ids))
            .order_by_desc(meeting::Column::OccurredAt)
            .order_by_asc(meeting::Column::Id)
            .all(conn)
            .await?
            .into_iter()
            .map(|m| (UserId(m.user_id), to_meeting(m, vec![])))
            .collect()
    };
    for (user, meeting) in meetings {
        if let Some(d) = out.get_mut(&user) {
            d.meetings.push(meeting);
        }
    }
    Ok(out)
}

/// Meetings of the given users (optionally of one community), newest first, with attendees:
/// two statements.
pub(crate) async fn load_meetings_of(
    conn: &impl ConnectionTrait,
    users: Vec<Uuid>,
    community_id: Option<Uuid>,
) -> Result<Vec<(UserId, Meeting)>, StoreError> {
    let mut query =
        meeting::Entity::find().filter(crate::among(conn, meeting::Column::UserId, users.clone()));
    if let Some(id) = community_id {
        query = query.filter(meeting::Column::CommunityId.eq(id));
    }
    let models = query
        .order_by_desc(meeting::Column::OccurredAt)
        .order_by_asc(meeting::Column::Id)
        .all(conn)
        .await?;
    let mut attendees: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    if !models.is_empty() {
        // Attendees of these users' meetings, through a sub-query rather than an id list.
        for a in meeting_attendee::Entity::find()
            .filter(
                meeting_attendee::Column::MeetingId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(meeting::Column::Id)
                        .from(meeting::Entity)
                        .and_where(crate::among(conn, meeting::Column::UserId, users))
                        .to_owned(),
                ),
            )
            .order_by_asc(meeting_attendee::Column::ContactId)
            .all(conn)
            .await?
        {
            attendees
                .entry(a.meeting_id)
                .or_default()
                .push(a.contact_id);
        }
    }
    Ok(models
        .into_iter()
        .map(|m| {
            (UserId(m.user_id), {
                let who = attendees.remove(&m.id).unwrap_or_default();
                to_meeting(m, who)
            })
        })
        .collect())
}

pub(crate) async fn load_meetings(
    conn: &impl ConnectionTrait,
    user: UserId,
    community_id: Option<Uuid>,
) -> Result<Vec<Meeting>, StoreError> {
    Ok(load_meetings_of(conn, vec![user.0], community_id)
        .await?
        .into_iter()
        .map(|(_, m)| m)
        .collect())
}

impl Store {
    /// Everything the user recorded.
    pub async fn snapshot(&self, user: UserId) -> Result<Snapshot, StoreError> {
        Ok(load_snapshot(&self.db, user).await?.0)
    }
}

/// What the rules and the score read: presence, profiles, communities and meetings (without
/// attendees), a handful of rows each, and her totals over her contacts, whatever the size of
/// her network.
#[derive(Debug, Default, Clone)]
pub struct RuleData {
    /// Website, signature, audiences.
    pub presence: Presence,
    /// Her social profiles.
    pub profiles: Vec<Profile>,
    /// Her communities.
    pub communities: Vec<Community>,
    /// Their meetings, without attendees.
    pub meetings: Vec<Meeting>,
    /// Sums over her contacts.
    pub totals: Totals,
}

impl RuleData {
    /// The rules' and the score's inputs.
    pub fn inputs(&self) -> Inputs<'_> {
        Inputs {
            presence: &self.presence,
            profiles: &self.profiles,
            communities: &self.communities,
            meetings: &self.meetings,
            totals: self.totals,
        }
    }
}

/// Her website, signature and audiences (empty until she sets them).
pub(crate) async fn load_presence(
    conn: &impl ConnectionTrait,
    user: UserId,
) -> Result<Presence, StoreError> {
    Ok(presence::Entity::find_by_id(user.0)
        .one(conn)
        .await?
        .map(to_presence)
        .transpose()?
        .unwrap_or_default())
}

/// Her profiles, oldest first.
pub(crate) async fn load_profiles(
    conn: &impl ConnectionTrait,
    user: UserId,
) -> Result<Vec<Profile>, StoreError> {
    profile::Entity::find()
        .filter(profile::Column::UserId.eq(user.0))
        .order_by_asc(profile::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(to_profile)
        .collect()
}

/// Her communities, oldest first.
pub(crate) async fn load_communities(
    conn: &impl ConnectionTrait,
    user: UserId,
) -> Result<Vec<Community>, StoreError> {
    community::Entity::find()
        .filter(community::Column::UserId.eq(user.0))
        .order_by_asc(community::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(to_community)
        .collect()
}

/// Loads [`RuleData`] but its totals (left at zero: `derived` owns them): four statements.
pub(crate) async fn load_rule_data(
    conn: &impl ConnectionTrait,
    user: UserId,
) -> Result<RuleData, StoreError> {
    Ok(load_rule_data_of(conn, &[user], false)
        .await?
        .remove(&user)
        .unwrap_or_default())
}
