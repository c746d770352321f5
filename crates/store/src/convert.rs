//! The bottom layer: row <-> core conversions. Pure functions, no database access: every
//! module above reads rows through `to_*` and writes them through `*_model`. Values read back
//! are trusted (they were parsed on the way in) and wrapped with core's `from_stored`; a value
//! core does not know is [`StoreError::Corrupt`], never a silent default.

use chrono::{DateTime, Utc};
use herlead_core::{
    PlaybookStep, TaskStatus, User, UserId,
    cohort::{Cohort, CohortTask, CohortTaskState, Nudge, SharingLevel},
    community::{Community, CommunityKind, CommunityRole, Meeting},
    derived::{ContactFacts, Totals},
    input::{
        CadenceDays, CohortDescription, CohortName, CohortTaskGuidance, CohortTaskTitle,
        CommunityName, Company, ContactName, DisplayName, Email, Handle, HttpUrl, Industry,
        InviteCode, JobTitle, Note, NudgeMessage, Signature, StallDays, Tagline,
    },
    network::{Contact, Interaction, InteractionKind, Scope, Sector, Stage, ValuesAlignment},
    presence::{Platform, Presence, Profile},
    progress::TaskRecord,
};
use sea_orm::ActiveValue::Set;
use uuid::Uuid;

use crate::{
    StoreError, db_time,
    entity::{
        cohort, cohort_task, cohort_task_status, community, contact, interaction, meeting, nudge,
        presence, profile, task_progress, user,
    },
};

pub(crate) fn corrupt(what: &str, id: Uuid) -> StoreError {
    StoreError::Corrupt(format!("{what} of {id}"))
}

pub(crate) fn json_list<T: serde::de::DeserializeOwned>(
    text: &str,
    id: Uuid,
) -> Result<Vec<T>, StoreError> {
    serde_json::from_str(text).map_err(|_| corrupt("list", id))
}

pub(crate) fn json_text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".into())
}

pub(crate) fn url(text: Option<String>) -> Option<HttpUrl> {
    text.map(HttpUrl::from_stored)
}

pub(crate) fn to_presence(m: presence::Model) -> Result<Presence, StoreError> {
    Ok(Presence {
        website: url(m.website),
        email_signature: m.email_signature.map(Signature::from_stored),
        audiences: json_list(&m.audiences, m.user_id)?,
    })
}

pub(crate) fn to_profile(m: profile::Model) -> Result<Profile, StoreError> {
    Ok(Profile {
        id: m.id,
        platform: Platform::parse(&m.platform).ok_or_else(|| corrupt("platform", m.id))?,
        handle: Handle::from_stored(m.handle),
        url: HttpUrl::from_stored(m.url),
        display_name: m.display_name.map(DisplayName::from_stored),
        tagline: m.tagline.map(Tagline::from_stored),
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
            name: ContactName::from_stored(m.name),
            sector: unclassified_or(&m.sector, Sector::parse, "sector", id)?,
            scope: unclassified_or(&m.scope, Scope::parse, "scope", id)?,
            industry: m.industry.map(Industry::from_stored),
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
            cadence_days: m
                .cadence_days
                .and_then(|d| u32::try_from(d).ok())
                .map(CadenceDays::from_stored),
            emails: json_list::<String>(&m.emails, id)?
                .into_iter()
                .map(Email::from_stored)
                .collect(),
            company: m.company.map(Company::from_stored),
            job_title: m.job_title.map(JobTitle::from_stored),
            connected_on: m.connected_on,
            created_at: m.created_at,
        },
        m.stage,
    ))
}

/// How an unclassified sector or scope is stored (SQLite cannot drop a NOT NULL constraint
/// without rebuilding the table).
pub(crate) const UNCLASSIFIED: &str = "";

/// Contacts with a sector and a scope (the rules count only these).
pub(crate) fn classified() -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::{ColumnTrait, sea_query::ExprTrait};
    contact::Column::Sector
        .ne(UNCLASSIFIED)
        .and(contact::Column::Scope.ne(UNCLASSIFIED))
}

fn unclassified_or<T>(
    stored: &str,
    parse: fn(&str) -> Option<T>,
    what: &str,
    id: Uuid,
) -> Result<Option<T>, StoreError> {
    if stored == UNCLASSIFIED {
        return Ok(None);
    }
    parse(stored).map(Some).ok_or_else(|| corrupt(what, id))
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
        name: CommunityName::from_stored(m.name),
        kind: CommunityKind::parse(&m.kind).ok_or_else(|| corrupt("kind", m.id))?,
        role: CommunityRole::parse(&m.role).ok_or_else(|| corrupt("role", m.id))?,
        link: url(m.link),
        created_at: m.created_at,
    })
}

pub(crate) fn search_key(name: &str) -> String {
    herlead_core::presence::text_key(name)
}

pub(crate) fn contact_model(
    user: UserId,
    c: &Contact,
    stage: Stage,
    now: DateTime<Utc>,
) -> contact::ActiveModel {
    contact::ActiveModel {
        id: Set(c.id),
        user_id: Set(user.0),
        name: Set(c.name.as_str().to_owned()),
        name_search: Set(search_key(&c.name)),
        sector: Set(c.sector.map_or(UNCLASSIFIED, Sector::as_str).into()),
        scope: Set(c.scope.map_or(UNCLASSIFIED, Scope::as_str).into()),
        emails: Set(json_text(
            &c.emails.iter().map(Email::as_str).collect::<Vec<_>>(),
        )),
        company: Set(c.company.as_ref().map(|t| t.as_str().to_owned())),
        job_title: Set(c.job_title.as_ref().map(|t| t.as_str().to_owned())),
        connected_on: Set(c.connected_on),
        industry: Set(c.industry.as_ref().map(|i| i.as_str().to_owned())),
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
        cadence_days: Set(c.cadence_days.and_then(|d| i32::try_from(d.get()).ok())),
        created_at: Set(db_time(c.created_at)),
        updated_at: Set(now),
        // Derived columns are written by `derived::after`, never by the write itself.
        ..Default::default()
    }
}

/// A contact's stored facts; `None` until first computed.
pub(crate) fn to_facts(m: &contact::Model) -> Result<Option<ContactFacts>, StoreError> {
    m.facts
        .as_deref()
        .map(|text| serde_json::from_str(text).map_err(|_| corrupt("facts", m.id)))
        .transpose()
}

/// A member's stored totals; `None` until first computed.
pub(crate) fn to_totals(m: &user::Model) -> Result<Option<Totals>, StoreError> {
    m.network_totals
        .as_deref()
        .map(|text| serde_json::from_str(text).map_err(|_| corrupt("network totals", m.id)))
        .transpose()
}

pub(crate) fn profile_model(user: UserId, p: &Profile, now: DateTime<Utc>) -> profile::ActiveModel {
    profile::ActiveModel {
        id: Set(p.id),
        user_id: Set(user.0),
        platform: Set(p.platform.as_str().into()),
        handle: Set(p.handle.as_str().into()),
        url: Set(p.url.as_str().into()),
        display_name: Set(p.display_name.as_ref().map(|n| n.as_str().to_owned())),
        tagline: Set(p.tagline.as_ref().map(|t| t.as_str().to_owned())),
        picture_url: Set(p.picture_url.as_ref().map(|u| u.as_str().to_owned())),
        website_link: Set(p.website_link.as_ref().map(|u| u.as_str().to_owned())),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

pub(crate) fn community_model(
    user: UserId,
    c: &Community,
    now: DateTime<Utc>,
) -> community::ActiveModel {
    community::ActiveModel {
        id: Set(c.id),
        user_id: Set(user.0),
        name: Set(c.name.as_str().to_owned()),
        kind: Set(c.kind.as_str().into()),
        role: Set(c.role.as_str().into()),
        link: Set(c.link.as_ref().map(|u| u.as_str().to_owned())),
        created_at: Set(db_time(c.created_at)),
        updated_at: Set(now),
    }
}

pub(crate) fn parse_status(raw: &str) -> Result<TaskStatus, StoreError> {
    raw.parse()
        .map_err(|_| StoreError::Corrupt(format!("unknown task status {raw:?}")))
}

pub(crate) fn to_record(model: task_progress::Model) -> Result<TaskRecord, StoreError> {
    Ok(TaskRecord {
        status: parse_status(&model.status)?,
        task_key: model.task_key,
        note: model.note.map(Note::from_stored),
        updated_at: model.updated_at,
        completed_at: model.completed_at,
    })
}

pub(crate) fn to_user(model: user::Model) -> Result<User, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("user {}: {what}", model.id));
    Ok(User {
        id: UserId(model.id),
        email: Email::parse("email", &model.email).map_err(|_| corrupt("email"))?,
        display_name: DisplayName::parse("displayName", &model.display_name)
            .map_err(|_| corrupt("display name"))?,
        role: model.role.parse().map_err(|_| corrupt("role"))?,
        created_at: model.created_at,
    })
}

pub(crate) fn interaction_model(
    user: UserId,
    i: &Interaction,
    now: DateTime<Utc>,
) -> interaction::ActiveModel {
    interaction::ActiveModel {
        id: Set(i.id),
        user_id: Set(user.0),
        contact_id: Set(i.contact_id),
        kind: Set(i.kind.as_str().into()),
        occurred_at: Set(db_time(i.occurred_at)),
        note: Set(i.note.as_ref().map(|n| n.as_str().to_owned())),
        created_at: Set(now),
    }
}

pub(crate) fn to_cohort(m: cohort::Model) -> Result<Cohort, StoreError> {
    Ok(Cohort {
        id: m.id,
        name: CohortName::from_stored(m.name),
        description: m.description.map(CohortDescription::from_stored),
        starts_on: m.starts_on,
        ends_on: m.ends_on,
        stall_days: StallDays::from_stored(
            u32::try_from(m.stall_days).map_err(|_| corrupt("stall days", m.id))?,
        ),
        invite_code: InviteCode::from_stored(m.invite_code),
        invite_expires_at: m.invite_expires_at,
        created_at: m.created_at,
    })
}

pub(crate) fn sharing(raw: &str) -> Result<SharingLevel, StoreError> {
    SharingLevel::parse(raw).ok_or_else(|| StoreError::Corrupt(format!("sharing level {raw}")))
}

pub(crate) fn to_task(m: cohort_task::Model) -> Result<CohortTask, StoreError> {
    Ok(CohortTask {
        id: m.id,
        cohort_id: m.cohort_id,
        title: CohortTaskTitle::from_stored(m.title),
        guidance: m.guidance.map(CohortTaskGuidance::from_stored),
        step: PlaybookStep::parse(&m.step)
            .ok_or_else(|| StoreError::Corrupt(format!("step of {}", m.id)))?,
        due_on: m.due_on,
        created_at: m.created_at,
    })
}

pub(crate) fn to_state(m: &cohort_task_status::Model) -> Result<CohortTaskState, StoreError> {
    Ok(CohortTaskState {
        status: m
            .status
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("status of {}", m.task_id)))?,
        updated_at: Some(m.updated_at),
        completed_at: m.completed_at,
    })
}

pub(crate) fn to_nudge(m: nudge::Model) -> Nudge {
    Nudge {
        id: m.id,
        cohort_id: m.cohort_id,
        coach_id: UserId(m.coach_id),
        member_id: UserId(m.member_id),
        message: NudgeMessage::from_stored(m.message),
        task_key: m.task_key,
        created_at: m.created_at,
        read_at: m.read_at,
    }
}

pub(crate) fn to_meeting(m: meeting::Model, attendees: Vec<Uuid>) -> Meeting {
    Meeting {
        attendees,
        id: m.id,
        community_id: m.community_id,
        occurred_at: m.occurred_at,
        in_person: m.in_person,
        notes: m.notes.map(Note::from_stored),
    }
}
