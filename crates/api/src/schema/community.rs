//! Her communities and their meetings, with which of her contacts attended.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Duration, Utc};
use herlead_core::{
    community::{Community, CommunityKind, CommunityRole, Meeting, is_real_world},
    input::{CommunityName, Note},
};
use uuid::Uuid;

use crate::{ApiError, error::Result};

use super::{
    common::{deleted, gid, invalid, occurred, parse_id, patch, store, viewer},
    presence::opt_url,
};

const ATTENDEES_MAX: usize = 200;

/// A meeting of a community.
#[derive(SimpleObject)]
#[graphql(name = "Meeting")]
pub struct MeetingView {
    id: ID,
    /// Of which community.
    community_id: ID,
    /// When.
    occurred_at: DateTime<Utc>,
    /// Face to face or not.
    in_person: bool,
    /// Her contacts who came.
    attendee_ids: Vec<ID>,
    /// Her notes.
    notes: Option<String>,
}

impl From<Meeting> for MeetingView {
    fn from(m: Meeting) -> Self {
        Self {
            id: gid(m.id),
            community_id: gid(m.community_id),
            occurred_at: m.occurred_at,
            in_person: m.in_person,
            attendee_ids: m.attendees.into_iter().map(gid).collect(),
            notes: m.notes.map(Note::into_string),
        }
    }
}

/// A community she belongs to, with its meetings.
#[derive(SimpleObject)]
#[graphql(name = "Community")]
pub struct CommunityView {
    id: ID,
    /// Its name.
    name: String,
    /// Where it gathers.
    kind: CommunityKind,
    /// Her role.
    role: CommunityRole,
    /// Its page.
    link: Option<String>,
    /// Met in person in the last 12 months.
    real_world: bool,
    /// Its meetings, newest first.
    meetings: Vec<MeetingView>,
}

fn community_view(c: Community, meetings: &[Meeting], now: DateTime<Utc>) -> CommunityView {
    CommunityView {
        id: gid(c.id),
        real_world: is_real_world(c.id, meetings, now),
        meetings: meetings
            .iter()
            .filter(|m| m.community_id == c.id)
            .cloned()
            .map(MeetingView::from)
            .collect(),
        name: c.name.into_string(),
        kind: c.kind,
        role: c.role,
        link: c.link.map(|u| u.as_str().to_owned()),
    }
}

/// A new community.
#[derive(InputObject)]
pub struct CommunityInput {
    /// Its name (up to 120 characters).
    name: String,
    /// Where it gathers.
    kind: CommunityKind,
    /// Her role.
    #[graphql(default_with = "CommunityRole::Member")]
    role: CommunityRole,
    /// Its page.
    link: Option<String>,
}

/// Changes to a community.
#[derive(InputObject)]
pub struct CommunityUpdateInput {
    name: Option<String>,
    kind: Option<CommunityKind>,
    role: Option<CommunityRole>,
    link: MaybeUndefined<String>,
}

/// A meeting to log.
#[derive(InputObject)]
pub struct LogMeetingInput {
    /// One of her communities.
    community_id: ID,
    /// When (up to a year ahead for planned meetings).
    occurred_at: DateTime<Utc>,
    /// Face to face.
    in_person: bool,
    /// Her contacts who came (up to 200).
    #[graphql(default)]
    attendee_ids: Vec<ID>,
    /// Her notes (up to 2,000 characters).
    notes: Option<String>,
}

fn new_community(input: CommunityInput) -> Result<Community> {
    Ok(Community {
        id: Uuid::now_v7(),
        name: CommunityName::parse("name", &input.name)?,
        kind: input.kind,
        role: input.role,
        link: opt_url("link", input.link.as_deref())?,
        created_at: herlead_store::now(),
    })
}

/// Community reads.
#[derive(Debug, Default)]
pub struct CommunityQuery;

#[Object]
impl CommunityQuery {
    /// Her communities with their meetings.
    async fn communities(&self, ctx: &Context<'_>) -> Result<Vec<CommunityView>> {
        let v = viewer(ctx)?;
        let (communities, meetings) = store(ctx).communities_and_meetings(v.user_id).await?;
        let now = Utc::now();
        Ok(communities
            .into_iter()
            .map(|c| community_view(c, &meetings, now))
            .collect())
    }
}

/// Community and meeting writes.
#[derive(Debug, Default)]
pub struct CommunityMutation;

#[Object]
impl CommunityMutation {
    /// Adds a community she belongs to.
    async fn add_community(
        &self,
        ctx: &Context<'_>,
        input: CommunityInput,
    ) -> Result<CommunityView> {
        let v = viewer(ctx)?;
        let community = new_community(input)?;
        let saved = store(ctx).add_community(v.user_id, community).await?;
        Ok(community_view(saved, &[], Utc::now()))
    }

    /// Changes one of her communities.
    async fn update_community(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: CommunityUpdateInput,
    ) -> Result<CommunityView> {
        let v = viewer(ctx)?;
        let id = parse_id("id", &id)?;
        let s = store(ctx);
        let not_found = || ApiError::not_found("community", "id");
        let mut c = s.community(v.user_id, id).await?.ok_or_else(not_found)?;
        if let Some(name) = input.name {
            c.name = CommunityName::parse("name", &name)?;
        }
        c.kind = input.kind.unwrap_or(c.kind);
        c.role = input.role.unwrap_or(c.role);
        c.link = patch(c.link, input.link, |u| opt_url("link", Some(&u)))?;
        let saved = s
            .update_community(v.user_id, c)
            .await?
            .ok_or_else(not_found)?;
        let meetings = s.meetings(v.user_id, Some(id)).await?;
        Ok(community_view(saved, &meetings, Utc::now()))
    }

    /// Deletes one of her communities with its meetings; returns its id.
    async fn delete_community(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        let v = viewer(ctx)?;
        let uuid = parse_id("id", &id)?;
        deleted(
            id,
            store(ctx).delete_community(v.user_id, uuid).await?,
            "community",
        )
    }

    /// Logs a meeting of one of her communities; attendees must be her contacts.
    async fn log_meeting(&self, ctx: &Context<'_>, input: LogMeetingInput) -> Result<MeetingView> {
        let v = viewer(ctx)?;
        if input.attendee_ids.len() > ATTENDEES_MAX {
            return Err(invalid(
                "attendeeIds",
                &format!("at most {ATTENDEES_MAX} attendees"),
            ));
        }
        let attendees = input
            .attendee_ids
            .iter()
            .map(|id| parse_id("attendeeIds", id))
            .collect::<Result<Vec<_>>>()?;
        let meeting = Meeting {
            id: Uuid::now_v7(),
            community_id: parse_id("communityId", &input.community_id)?,
            occurred_at: occurred("occurredAt", Some(input.occurred_at), Duration::days(365))?,
            in_person: input.in_person,
            attendees,
            notes: Note::parse_optional("notes", input.notes.as_deref())?,
        };
        Ok(store(ctx).log_meeting(v.user_id, meeting).await?.into())
    }

    /// Deletes one of her meetings; returns its id.
    async fn delete_meeting(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        let v = viewer(ctx)?;
        let uuid = parse_id("id", &id)?;
        deleted(
            id,
            store(ctx).delete_meeting(v.user_id, uuid).await?,
            "meeting",
        )
    }
}
