//! Presence, profiles, contacts, interactions, communities and meetings. Every write runs in
//! one transaction that also re-evaluates the rules ([`crate::sync`]); every read and write is
//! scoped to the user, so another user's id is simply not found.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use herlead_core::{
    UserId,
    community::{Community, CommunityKind, CommunityRole, Meeting},
    input::{Handle, HttpUrl, Note},
    network::{
        self, Contact, Interaction, InteractionKind, Scope, Sector, Stage, ValuesAlignment,
        WarningCode,
    },
    presence::{Platform, Presence, Profile},
    rules::Snapshot,
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::{Expr, LikeExpr, OnConflict},
};
use uuid::Uuid;

use crate::{
    Store, StoreError, db_time,
    entity::{community, contact, interaction, meeting, meeting_attendee, presence, profile},
};

fn corrupt(what: &str, id: Uuid) -> StoreError {
    StoreError::Corrupt(format!("{what} of {id}"))
}

fn json_list<T: serde::de::DeserializeOwned>(text: &str, id: Uuid) -> Result<Vec<T>, StoreError> {
    serde_json::from_str(text).map_err(|_| corrupt("list", id))
}

fn json_text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".into())
}

fn url(text: Option<String>) -> Option<HttpUrl> {
    text.map(HttpUrl::from_stored)
}

pub(crate) fn to_presence(m: presence::Model) -> Result<Presence, StoreError> {
    Ok(Presence {
        website: url(m.website),
        email_signature: m.email_signature,
        audiences: json_list(&m.audiences, m.user_id)?,
    })
}

pub(crate) fn to_profile(m: profile::Model) -> Result<Profile, StoreError> {
    Ok(Profile {
        id: m.id,
        platform: Platform::parse(&m.platform).ok_or_else(|| corrupt("platform", m.id))?,
        handle: Handle::from_stored(m.handle),
        url: HttpUrl::from_stored(m.url),
        display_name: m.display_name,
        tagline: m.tagline,
        picture_url: url(m.picture_url),
        website_link: url(m.website_link),
    })
}

pub(crate) fn to_contact(m: contact::Model) -> Result<(Contact, String), StoreError> {
    let id = m.id;
    let links: Vec<String> = json_list(&m.links, id)?;
    Ok((
        Contact {
            id,
            name: m.name,
            sector: Sector::parse(&m.sector).ok_or_else(|| corrupt("sector", id))?,
            scope: Scope::parse(&m.scope).ok_or_else(|| corrupt("scope", id))?,
            industry: m.industry,
            in_her_industry: m.in_her_industry,
            on_meet_list: m.on_meet_list,
            competitor: m.competitor,
            values: ValuesAlignment::parse(&m.values_alignment)
                .ok_or_else(|| corrupt("values", id))?,
            tags: json_list(&m.tags, id)?,
            links: links.into_iter().map(HttpUrl::from_stored).collect(),
            stage_override: m
                .stage_override
                .map(|s| Stage::parse(&s).ok_or_else(|| corrupt("stage", id)))
                .transpose()?,
            cadence_days: m.cadence_days.and_then(|d| u32::try_from(d).ok()),
            created_at: m.created_at,
        },
        m.stage,
    ))
}

pub(crate) fn to_interaction(m: interaction::Model) -> Result<Interaction, StoreError> {
    Ok(Interaction {
        id: m.id,
        contact_id: m.contact_id,
        kind: InteractionKind::parse(&m.kind).ok_or_else(|| corrupt("kind", m.id))?,
        occurred_at: m.occurred_at,
        note: m.note.map(Note::from_stored),
    })
}

pub(crate) fn to_community(m: community::Model) -> Result<Community, StoreError> {
    Ok(Community {
        id: m.id,
        name: m.name,
        kind: CommunityKind::parse(&m.kind).ok_or_else(|| corrupt("kind", m.id))?,
        role: CommunityRole::parse(&m.role).ok_or_else(|| corrupt("role", m.id))?,
        link: url(m.link),
        created_at: m.created_at,
    })
}

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
    for m in presence::Entity::find()
        .filter(crate::among(conn, presence::Column::UserId, ids.clone()))
        .all(conn)
        .await?
    {
        let user = UserId(m.user_id);
        let value = to_presence(m)?;
        if let Some(s) = out.get_mut(&user) {
            s.presence = value;
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
        if let Some(s) = out.get_mut(&user) {
            s.profiles.push(value);
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
    for m in community::Entity::find()
        .filter(crate::among(conn, community::Column::UserId, ids.clone()))
        .order_by_asc(community::Column::Id)
        .all(conn)
        .await?
    {
        let user = UserId(m.user_id);
        let value = to_community(m)?;
        if let Some(s) = out.get_mut(&user) {
            s.communities.push(value);
        }
    }
    for (user, meeting) in load_meetings_of(conn, ids, None).await? {
        if let Some(s) = out.get_mut(&user) {
            s.meetings.push(meeting);
        }
    }
    Ok((out, stages))
}

/// Meetings of the given users (optionally of one community), newest first, with attendees:
/// two statements.
async fn load_meetings_of(
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
            (
                UserId(m.user_id),
                Meeting {
                    attendees: attendees.remove(&m.id).unwrap_or_default(),
                    id: m.id,
                    community_id: m.community_id,
                    occurred_at: m.occurred_at,
                    in_person: m.in_person,
                    notes: m.notes.map(Note::from_stored),
                },
            )
        })
        .collect())
}

async fn load_meetings(
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

/// Which contacts a page shows.
#[derive(Debug, Clone, Default)]
pub struct ContactFilter {
    /// Only this sector.
    pub sector: Option<Sector>,
    /// Only this scope.
    pub scope: Option<Scope>,
    /// Only this stage.
    pub stage: Option<Stage>,
    /// Only (or never) meet-list contacts.
    pub on_meet_list: Option<bool>,
    /// Names containing this text, ignoring case.
    pub search: Option<String>,
}

/// A slice of a list in a stable order (contacts: oldest first), Relay style.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageRequest {
    /// The first `n` after `after`.
    pub first: Option<u64>,
    /// Start after this id.
    pub after: Option<Uuid>,
    /// The last `n` before `before`.
    pub last: Option<u64>,
    /// End before this id.
    pub before: Option<Uuid>,
}

/// One page of contacts.
#[derive(Debug, Clone)]
pub struct ContactPage {
    /// The contacts with their stages.
    pub items: Vec<(Contact, Stage)>,
    /// More after this page.
    pub has_next: bool,
    /// More before this page.
    pub has_previous: bool,
    /// All contacts matching the filter.
    pub total: u64,
}

/// What deleting a contact removed with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeletedContact {
    /// Interactions logged with the contact.
    pub interactions: u64,
    /// Meetings whose attendee lists no longer name the contact.
    pub meetings: u64,
}

fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

fn search_key(name: &str) -> String {
    herlead_core::presence::text_key(name)
}

fn contact_model(
    user: UserId,
    c: &Contact,
    stage: Stage,
    now: DateTime<Utc>,
) -> contact::ActiveModel {
    contact::ActiveModel {
        id: Set(c.id),
        user_id: Set(user.0),
        name: Set(c.name.clone()),
        name_search: Set(search_key(&c.name)),
        sector: Set(c.sector.as_str().into()),
        scope: Set(c.scope.as_str().into()),
        industry: Set(c.industry.clone()),
        in_her_industry: Set(c.in_her_industry),
        on_meet_list: Set(c.on_meet_list),
        competitor: Set(c.competitor),
        values_alignment: Set(c.values.as_str().into()),
        tags: Set(json_text(&c.tags)),
        links: Set(json_text(
            &c.links.iter().map(HttpUrl::as_str).collect::<Vec<_>>(),
        )),
        stage_override: Set(c.stage_override.map(|s| s.as_str().to_owned())),
        stage: Set(stage.as_str().into()),
        cadence_days: Set(c.cadence_days.and_then(|d| i32::try_from(d).ok())),
        created_at: Set(db_time(c.created_at)),
        updated_at: Set(now),
    }
}

fn profile_model(user: UserId, p: &Profile, now: DateTime<Utc>) -> profile::ActiveModel {
    profile::ActiveModel {
        id: Set(p.id),
        user_id: Set(user.0),
        platform: Set(p.platform.as_str().into()),
        handle: Set(p.handle.as_str().into()),
        url: Set(p.url.as_str().into()),
        display_name: Set(p.display_name.clone()),
        tagline: Set(p.tagline.clone()),
        picture_url: Set(p.picture_url.as_ref().map(|u| u.as_str().to_owned())),
        website_link: Set(p.website_link.as_ref().map(|u| u.as_str().to_owned())),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

fn community_model(user: UserId, c: &Community, now: DateTime<Utc>) -> community::ActiveModel {
    community::ActiveModel {
        id: Set(c.id),
        user_id: Set(user.0),
        name: Set(c.name.clone()),
        kind: Set(c.kind.as_str().into()),
        role: Set(c.role.as_str().into()),
        link: Set(c.link.as_ref().map(|u| u.as_str().to_owned())),
        created_at: Set(db_time(c.created_at)),
        updated_at: Set(now),
    }
}

impl Store {
    /// Everything the user recorded.
    pub async fn snapshot(&self, user: UserId) -> Result<Snapshot, StoreError> {
        Ok(load_snapshot(&self.db, user).await?.0)
    }

    /// Her website, signature and audiences (empty until she sets them).
    pub async fn presence(&self, user: UserId) -> Result<Presence, StoreError> {
        Ok(presence::Entity::find_by_id(user.0)
            .one(&self.db)
            .await?
            .map(to_presence)
            .transpose()?
            .unwrap_or_default())
    }

    /// Replaces her website, signature and audiences.
    pub async fn save_presence(
        &self,
        user: UserId,
        value: Presence,
    ) -> Result<Presence, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            presence::Entity::insert(presence::ActiveModel {
                user_id: Set(user.0),
                website: Set(value.website.as_ref().map(|u| u.as_str().to_owned())),
                email_signature: Set(value.email_signature.clone()),
                audiences: Set(json_text(&value.audiences)),
                updated_at: Set(now),
            })
            .on_conflict(
                OnConflict::column(presence::Column::UserId)
                    .update_columns([
                        presence::Column::Website,
                        presence::Column::EmailSignature,
                        presence::Column::Audiences,
                        presence::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
            Ok(value.clone())
        })
        .await
    }

    /// Her profiles, oldest first.
    pub async fn profiles(&self, user: UserId) -> Result<Vec<Profile>, StoreError> {
        Ok(load_snapshot(&self.db, user).await?.0.profiles)
    }

    /// One of her profiles.
    pub async fn profile(&self, user: UserId, id: Uuid) -> Result<Option<Profile>, StoreError> {
        profile::Entity::find_by_id(id)
            .filter(profile::Column::UserId.eq(user.0))
            .one(&self.db)
            .await?
            .map(to_profile)
            .transpose()
    }

    /// Adds a profile; a second one with the same platform and handle is a conflict.
    pub async fn add_profile(&self, user: UserId, value: Profile) -> Result<Profile, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            profile::Entity::insert(profile_model(user, &value, now))
                .exec_without_returning(txn)
                .await
                .map_err(|e| StoreError::unique(e, "handle"))?;
            Ok(value.clone())
        })
        .await
    }

    /// Replaces a profile's fields. `Ok(None)` when it is not hers.
    pub async fn update_profile(
        &self,
        user: UserId,
        value: Profile,
    ) -> Result<Option<Profile>, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            let mut model = profile_model(user, &value, now);
            model.created_at = sea_orm::ActiveValue::NotSet;
            let updated = profile::Entity::update_many()
                .set(model)
                .filter(profile::Column::Id.eq(value.id))
                .filter(profile::Column::UserId.eq(user.0))
                .exec(txn)
                .await
                .map_err(|e| StoreError::unique(e, "handle"))?;
            Ok((updated.rows_affected == 1).then(|| value.clone()))
        })
        .await
    }

    /// Deletes a profile. Returns whether it existed and was hers.
    pub async fn delete_profile(&self, user: UserId, id: Uuid) -> Result<bool, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            let deleted = profile::Entity::delete_many()
                .filter(profile::Column::Id.eq(id))
                .filter(profile::Column::UserId.eq(user.0))
                .exec(txn)
                .await?;
            Ok(deleted.rows_affected == 1)
        })
        .await
    }

    /// One of her contacts with its stage.
    pub async fn contact(
        &self,
        user: UserId,
        id: Uuid,
    ) -> Result<Option<(Contact, Stage)>, StoreError> {
        contact::Entity::find_by_id(id)
            .filter(contact::Column::UserId.eq(user.0))
            .one(&self.db)
            .await?
            .map(|m| {
                let (c, stage) = to_contact(m)?;
                let stage = Stage::parse(&stage).ok_or_else(|| corrupt("stage", c.id))?;
                Ok((c, stage))
            })
            .transpose()
    }

    /// Adds a contact.
    pub async fn add_contact(&self, user: UserId, value: Contact) -> Result<Contact, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            let stage = value.stage_override.unwrap_or(Stage::Identified);
            contact::Entity::insert(contact_model(user, &value, stage, now))
                .exec_without_returning(txn)
                .await?;
            Ok(value.clone())
        })
        .await
    }

    /// Replaces a contact's fields. `Ok(None)` when it is not hers.
    pub async fn update_contact(
        &self,
        user: UserId,
        value: Contact,
    ) -> Result<Option<Contact>, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            let mut model = contact_model(user, &value, Stage::Identified, now);
            // The stage is derived by the sync that follows; creation time never changes.
            model.stage = sea_orm::ActiveValue::NotSet;
            model.created_at = sea_orm::ActiveValue::NotSet;
            let updated = contact::Entity::update_many()
                .set(model)
                .filter(contact::Column::Id.eq(value.id))
                .filter(contact::Column::UserId.eq(user.0))
                .exec(txn)
                .await?;
            Ok((updated.rows_affected == 1).then(|| value.clone()))
        })
        .await
    }

    /// Deletes a contact with its interactions, and takes it off the attendee lists of
    /// meetings (the meetings stay). `Ok(None)` when it is not hers.
    pub async fn delete_contact(
        &self,
        user: UserId,
        id: Uuid,
    ) -> Result<Option<DeletedContact>, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            let owned = contact::Entity::find_by_id(id)
                .filter(contact::Column::UserId.eq(user.0))
                .count(txn)
                .await?;
            if owned == 0 {
                return Ok(None);
            }
            let interactions = interaction::Entity::delete_many()
                .filter(interaction::Column::ContactId.eq(id))
                .exec(txn)
                .await?
                .rows_affected;
            let meetings = meeting_attendee::Entity::delete_many()
                .filter(meeting_attendee::Column::ContactId.eq(id))
                .exec(txn)
                .await?
                .rows_affected;
            contact::Entity::delete_by_id(id).exec(txn).await?;
            Ok(Some(DeletedContact {
                interactions,
                meetings,
            }))
        })
        .await
    }

    /// A page of her contacts, oldest first, filtered.
    pub async fn contacts_page(
        &self,
        user: UserId,
        filter: &ContactFilter,
        page: PageRequest,
    ) -> Result<ContactPage, StoreError> {
        let mut cond = Condition::all().add(contact::Column::UserId.eq(user.0));
        if let Some(sector) = filter.sector {
            cond = cond.add(contact::Column::Sector.eq(sector.as_str()));
        }
        if let Some(scope) = filter.scope {
            cond = cond.add(contact::Column::Scope.eq(scope.as_str()));
        }
        if let Some(stage) = filter.stage {
            cond = cond.add(contact::Column::Stage.eq(stage.as_str()));
        }
        if let Some(flag) = filter.on_meet_list {
            cond = cond.add(contact::Column::OnMeetList.eq(flag));
        }
        if let Some(search) = filter
            .search
            .as_deref()
            .map(search_key)
            .filter(|s| !s.is_empty())
        {
            cond = cond.add(
                Expr::col(contact::Column::NameSearch)
                    .like(LikeExpr::new(escape_like(&search)).escape('\\')),
            );
        }
        let total = contact::Entity::find()
            .filter(cond.clone())
            .count(&self.db)
            .await?;
        let backward = page.last.is_some() && page.first.is_none();
        let limit = if backward { page.last } else { page.first }.unwrap_or(20);
        let mut query = contact::Entity::find().filter(cond.clone());
        if let Some(after) = page.after {
            query = query.filter(contact::Column::Id.gt(after));
        }
        if let Some(before) = page.before {
            query = query.filter(contact::Column::Id.lt(before));
        }
        query = if backward {
            query.order_by_desc(contact::Column::Id)
        } else {
            query.order_by_asc(contact::Column::Id)
        };
        let mut models = query.limit(limit + 1).all(&self.db).await?;
        let more = models.len() as u64 > limit;
        models.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        if backward {
            models.reverse();
        }
        // Whether anything lies beyond the cursor on the other side.
        let beyond = |id: Option<Uuid>, later: bool| {
            let cond = cond.clone();
            async move {
                let Some(id) = id else {
                    return Ok::<bool, StoreError>(false);
                };
                let column = contact::Column::Id;
                let side = if later {
                    column.gte(id)
                } else {
                    column.lte(id)
                };
                Ok(contact::Entity::find()
                    .filter(cond)
                    .filter(side)
                    .count(&self.db)
                    .await?
                    > 0)
            }
        };
        let (has_next, has_previous) = if backward {
            (beyond(page.before, true).await?, more)
        } else {
            (more, beyond(page.after, false).await?)
        };
        let items = models
            .into_iter()
            .map(|m| {
                let (c, stage) = to_contact(m)?;
                let stage = Stage::parse(&stage).ok_or_else(|| corrupt("stage", c.id))?;
                Ok((c, stage))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(ContactPage {
            items,
            has_next,
            has_previous,
            total,
        })
    }

    /// Logs an interaction with one of her contacts. Returns the warnings an ask deserves
    /// (it is recorded all the same). A contact that is not hers is not found.
    pub async fn log_interaction(
        &self,
        user: UserId,
        value: Interaction,
    ) -> Result<Vec<WarningCode>, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            let (snapshot, _) = load_snapshot(txn, user).await?;
            let contact = snapshot
                .contacts
                .iter()
                .find(|c| c.id == value.contact_id)
                .ok_or(StoreError::NotFound {
                    what: "contact",
                    field: "contactId",
                })?;
            let warnings = if value.kind.is_ask() {
                network::ask_warnings(contact, &snapshot.interactions, value.occurred_at)
            } else {
                vec![]
            };
            interaction::Entity::insert(interaction::ActiveModel {
                id: Set(value.id),
                user_id: Set(user.0),
                contact_id: Set(value.contact_id),
                kind: Set(value.kind.as_str().into()),
                occurred_at: Set(db_time(value.occurred_at)),
                note: Set(value.note.as_ref().map(|n| n.as_str().to_owned())),
                created_at: Set(now),
            })
            .exec_without_returning(txn)
            .await?;
            Ok(warnings)
        })
        .await
    }

    /// Imports contacts and interactions in bulk (from another tool, or a benchmark), in one
    /// transaction with one evaluation of the rules. Interactions must name imported or
    /// existing contacts of hers.
    pub async fn import_network(
        &self,
        user: UserId,
        contacts: Vec<Contact>,
        interactions: Vec<Interaction>,
    ) -> Result<(), StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            for chunk in contacts.chunks(200) {
                contact::Entity::insert_many(chunk.iter().map(|c| {
                    contact_model(user, c, c.stage_override.unwrap_or(Stage::Identified), now)
                }))
                .exec_without_returning(txn)
                .await?;
            }
            let hers: std::collections::HashSet<Uuid> = load_snapshot(txn, user)
                .await?
                .0
                .contacts
                .iter()
                .map(|c| c.id)
                .collect();
            if interactions.iter().any(|i| !hers.contains(&i.contact_id)) {
                return Err(StoreError::NotFound {
                    what: "contact",
                    field: "contactId",
                });
            }
            for chunk in interactions.chunks(500) {
                interaction::Entity::insert_many(chunk.iter().map(|i| interaction::ActiveModel {
                    id: Set(i.id),
                    user_id: Set(user.0),
                    contact_id: Set(i.contact_id),
                    kind: Set(i.kind.as_str().into()),
                    occurred_at: Set(db_time(i.occurred_at)),
                    note: Set(i.note.as_ref().map(|n| n.as_str().to_owned())),
                    created_at: Set(now),
                }))
                .exec_without_returning(txn)
                .await?;
            }
            Ok(())
        })
        .await
    }

    /// Her interactions, newest first; all of them or one contact's.
    pub async fn interactions(
        &self,
        user: UserId,
        contact_id: Option<Uuid>,
    ) -> Result<Vec<Interaction>, StoreError> {
        let mut query = interaction::Entity::find().filter(interaction::Column::UserId.eq(user.0));
        if let Some(id) = contact_id {
            query = query.filter(interaction::Column::ContactId.eq(id));
        }
        query
            .order_by_desc(interaction::Column::OccurredAt)
            .order_by_desc(interaction::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_interaction)
            .collect()
    }

    /// Deletes one of her interactions. Returns whether it existed and was hers.
    pub async fn delete_interaction(&self, user: UserId, id: Uuid) -> Result<bool, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            Ok(interaction::Entity::delete_many()
                .filter(interaction::Column::Id.eq(id))
                .filter(interaction::Column::UserId.eq(user.0))
                .exec(txn)
                .await?
                .rows_affected
                == 1)
        })
        .await
    }

    /// Her communities, oldest first.
    pub async fn communities(&self, user: UserId) -> Result<Vec<Community>, StoreError> {
        community::Entity::find()
            .filter(community::Column::UserId.eq(user.0))
            .order_by_asc(community::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_community)
            .collect()
    }

    /// One of her communities.
    pub async fn community(&self, user: UserId, id: Uuid) -> Result<Option<Community>, StoreError> {
        community::Entity::find_by_id(id)
            .filter(community::Column::UserId.eq(user.0))
            .one(&self.db)
            .await?
            .map(to_community)
            .transpose()
    }

    /// Adds a community.
    pub async fn add_community(
        &self,
        user: UserId,
        value: Community,
    ) -> Result<Community, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            community::Entity::insert(community_model(user, &value, now))
                .exec_without_returning(txn)
                .await?;
            Ok(value.clone())
        })
        .await
    }

    /// Replaces a community's fields. `Ok(None)` when it is not hers.
    pub async fn update_community(
        &self,
        user: UserId,
        value: Community,
    ) -> Result<Option<Community>, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            let mut model = community_model(user, &value, now);
            model.created_at = sea_orm::ActiveValue::NotSet;
            let updated = community::Entity::update_many()
                .set(model)
                .filter(community::Column::Id.eq(value.id))
                .filter(community::Column::UserId.eq(user.0))
                .exec(txn)
                .await?;
            Ok((updated.rows_affected == 1).then(|| value.clone()))
        })
        .await
    }

    /// Deletes a community with its meetings. Returns whether it existed and was hers.
    pub async fn delete_community(&self, user: UserId, id: Uuid) -> Result<bool, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            let owned = community::Entity::find_by_id(id)
                .filter(community::Column::UserId.eq(user.0))
                .count(txn)
                .await?;
            if owned == 0 {
                return Ok(false);
            }
            let meetings: Vec<Uuid> = meeting::Entity::find()
                .filter(meeting::Column::CommunityId.eq(id))
                .all(txn)
                .await?
                .into_iter()
                .map(|m| m.id)
                .collect();
            if !meetings.is_empty() {
                meeting_attendee::Entity::delete_many()
                    .filter(meeting_attendee::Column::MeetingId.is_in(meetings))
                    .exec(txn)
                    .await?;
            }
            meeting::Entity::delete_many()
                .filter(meeting::Column::CommunityId.eq(id))
                .exec(txn)
                .await?;
            community::Entity::delete_by_id(id).exec(txn).await?;
            Ok(true)
        })
        .await
    }

    /// Her meetings, newest first; all of them or one community's.
    pub async fn meetings(
        &self,
        user: UserId,
        community_id: Option<Uuid>,
    ) -> Result<Vec<Meeting>, StoreError> {
        load_meetings(&self.db, user, community_id).await
    }

    /// Logs a meeting of one of her communities. The community and every attendee must be
    /// hers, else nothing is written and the first stranger is not found.
    pub async fn log_meeting(&self, user: UserId, value: Meeting) -> Result<Meeting, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            let community = community::Entity::find_by_id(value.community_id)
                .filter(community::Column::UserId.eq(user.0))
                .count(txn)
                .await?;
            if community == 0 {
                return Err(StoreError::NotFound {
                    what: "community",
                    field: "communityId",
                });
            }
            let mut attendees = value.attendees.clone();
            attendees.sort();
            attendees.dedup();
            if !attendees.is_empty() {
                let hers = contact::Entity::find()
                    .filter(contact::Column::UserId.eq(user.0))
                    .filter(contact::Column::Id.is_in(attendees.clone()))
                    .count(txn)
                    .await?;
                if hers != attendees.len() as u64 {
                    return Err(StoreError::NotFound {
                        what: "attendee",
                        field: "attendeeIds",
                    });
                }
            }
            meeting::Entity::insert(meeting::ActiveModel {
                id: Set(value.id),
                user_id: Set(user.0),
                community_id: Set(value.community_id),
                occurred_at: Set(db_time(value.occurred_at)),
                in_person: Set(value.in_person),
                notes: Set(value.notes.as_ref().map(|n| n.as_str().to_owned())),
                created_at: Set(now),
            })
            .exec_without_returning(txn)
            .await?;
            if !attendees.is_empty() {
                meeting_attendee::Entity::insert_many(attendees.iter().map(|contact_id| {
                    meeting_attendee::ActiveModel {
                        meeting_id: Set(value.id),
                        contact_id: Set(*contact_id),
                    }
                }))
                .exec_without_returning(txn)
                .await?;
            }
            Ok(Meeting {
                attendees,
                occurred_at: db_time(value.occurred_at),
                ..value.clone()
            })
        })
        .await
    }

    /// Deletes one of her meetings. Returns whether it existed and was hers.
    pub async fn delete_meeting(&self, user: UserId, id: Uuid) -> Result<bool, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            let owned = meeting::Entity::find_by_id(id)
                .filter(meeting::Column::UserId.eq(user.0))
                .count(txn)
                .await?;
            if owned == 0 {
                return Ok(false);
            }
            meeting_attendee::Entity::delete_many()
                .filter(meeting_attendee::Column::MeetingId.eq(id))
                .exec(txn)
                .await?;
            meeting::Entity::delete_by_id(id).exec(txn).await?;
            Ok(true)
        })
        .await
    }
}
