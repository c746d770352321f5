//! Her data out (GDPR article 20): everything she recorded as one versioned JSON document,
//! and her contacts as vCard 4.0 or CSV (written by `herlead-import`, which reads them back).
//! The document's format is described in `docs/export-format.md`.

use async_graphql::{Context, Enum, Object};
use herlead_core::{UserId, network::Contact};
use herlead_import::{ExportContact, to_csv, to_vcard4};
use serde_json::{Value, json};

use crate::{ApiError, error::Result};

use super::common::{store, viewer};

/// The version of the JSON document; it changes only when a field changes meaning or goes.
pub const EXPORT_VERSION: u32 = 1;

/// What `exportMyData` writes.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum ExportFormat {
    /// Everything she recorded, as one JSON document (`docs/export-format.md`).
    #[default]
    Json,
    /// Her contacts as vCard 4.0 (RFC 6350).
    Vcard,
    /// Her contacts as CSV (UTF-8, one row per contact).
    Csv,
}

fn export_contact(c: &Contact) -> ExportContact {
    ExportContact {
        name: c.name.clone(),
        emails: c.emails.clone(),
        links: c.links.clone(),
        company: c.company.as_deref().map(str::to_owned),
        position: c.job_title.as_deref().map(str::to_owned),
        tags: c.tags.clone(),
        phones: Vec::new(),
        connected_on: c.connected_on,
        sector: c.sector,
        scope: c.scope,
    }
}

/// The JSON document of everything she recorded.
async fn document(ctx: &Context<'_>, user: UserId) -> Result<Value> {
    let s = store(ctx);
    let account = s
        .user_by_id(user)
        .await?
        .ok_or(ApiError::Unauthenticated("this account no longer exists"))?;
    let snapshot = s.snapshot(user).await?;
    let records = s.task_records(user).await?;
    let history = s.progress_events(user).await?;
    let cohorts = s.joined_cohorts(user).await?;
    let cohort_tasks = s.member_cohort_tasks(user).await?;
    let nudges = s.nudges_for(user, false).await?;
    let text = |v: Option<&str>| v.map(str::to_owned);
    let presence = &snapshot.presence;
    Ok(json!({
        "version": EXPORT_VERSION,
        "exportedAt": herlead_store::now(),
        "account": {
            "id": account.id.0,
            "email": account.email.as_str(),
            "displayName": account.display_name.as_str(),
            "role": account.role,
            "createdAt": account.created_at,
        },
        "presence": {
            "website": text(presence.website.as_ref().map(|u| u.as_str())),
            "emailSignature": text(presence.email_signature.as_ref().map(|s| s.as_str())),
            "audiences": presence.audiences,
        },
        "profiles": snapshot.profiles.iter().map(|p| json!({
            "id": p.id,
            "platform": p.platform,
            "handle": p.handle.as_str(),
            "url": p.url.as_str(),
            "displayName": text(p.display_name.as_ref().map(|n| n.as_str())),
            "tagline": text(p.tagline.as_ref().map(|t| t.as_str())),
            "pictureUrl": text(p.picture_url.as_ref().map(|u| u.as_str())),
            "websiteLink": text(p.website_link.as_ref().map(|u| u.as_str())),
        })).collect::<Vec<_>>(),
        "contacts": snapshot.contacts.iter().map(|c| json!({
            "id": c.id,
            "name": c.name.as_str(),
            "sector": c.sector,
            "scope": c.scope,
            "industry": text(c.industry.as_ref().map(|i| i.as_str())),
            "inHerIndustry": c.in_her_industry,
            "onMeetList": c.on_meet_list,
            "competitor": c.competitor,
            "values": c.values,
            "tags": c.tags,
            "links": c.links.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
            "stageOverride": c.stage_override,
            "cadenceDays": c.cadence_days.map(|d| d.get()),
            "emails": c.emails.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
            "company": text(c.company.as_deref()),
            "jobTitle": text(c.job_title.as_deref()),
            "connectedOn": c.connected_on,
            "createdAt": c.created_at,
        })).collect::<Vec<_>>(),
        "interactions": snapshot.interactions.iter().map(|i| json!({
            "id": i.id,
            "contactId": i.contact_id,
            "kind": i.kind,
            "occurredAt": i.occurred_at,
            "note": text(i.note.as_ref().map(|n| n.as_str())),
        })).collect::<Vec<_>>(),
        "communities": snapshot.communities.iter().map(|c| json!({
            "id": c.id,
            "name": c.name.as_str(),
            "kind": c.kind,
            "role": c.role,
            "link": text(c.link.as_ref().map(|u| u.as_str())),
            "createdAt": c.created_at,
        })).collect::<Vec<_>>(),
        "meetings": snapshot.meetings.iter().map(|m| json!({
            "id": m.id,
            "communityId": m.community_id,
            "occurredAt": m.occurred_at,
            "inPerson": m.in_person,
            "attendeeIds": m.attendees,
            "notes": text(m.notes.as_ref().map(|n| n.as_str())),
        })).collect::<Vec<_>>(),
        "tasks": records.iter().map(|r| json!({
            "taskKey": r.task_key,
            "status": r.status,
            "note": text(r.note.as_ref().map(|n| n.as_str())),
            "updatedAt": r.updated_at,
            "completedAt": r.completed_at,
        })).collect::<Vec<_>>(),
        "progressHistory": history.iter().map(|e| json!({
            "taskKey": e.task_key,
            "from": e.from,
            "to": e.to,
            "note": text(e.note.as_ref().map(|n| n.as_str())),
            "occurredAt": e.occurred_at,
            "source": e.source.as_str(),
        })).collect::<Vec<_>>(),
        "cohorts": cohorts.iter().map(|(c, sharing)| json!({
            "id": c.id,
            "name": c.name.as_str(),
            "sharing": sharing,
        })).collect::<Vec<_>>(),
        "cohortTasks": cohort_tasks.iter().map(|(t, state)| json!({
            "id": t.id,
            "cohortId": t.cohort_id,
            "title": t.title.as_str(),
            "step": t.step,
            "dueOn": t.due_on,
            "status": state.status,
            "updatedAt": state.updated_at,
            "completedAt": state.completed_at,
        })).collect::<Vec<_>>(),
        "nudges": nudges.iter().map(|n| json!({
            "id": n.id,
            "cohortId": n.cohort_id,
            "message": n.message.as_str(),
            "taskKey": n.task_key,
            "createdAt": n.created_at,
            "readAt": n.read_at,
        })).collect::<Vec<_>>(),
    }))
}

/// Her data out.
#[derive(Debug, Default)]
pub struct ExportQuery;

#[Object]
impl ExportQuery {
    /// Everything she recorded (JSON, the default), or her contacts as vCard 4.0 or CSV, as
    /// one string to save as a file.
    async fn export_my_data(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] format: ExportFormat,
    ) -> Result<String> {
        let v = viewer(ctx)?;
        match format {
            ExportFormat::Json => serde_json::to_string_pretty(&document(ctx, v.user_id).await?)
                .map_err(ApiError::internal),
            ExportFormat::Vcard | ExportFormat::Csv => {
                let contacts: Vec<ExportContact> = store(ctx)
                    .snapshot(v.user_id)
                    .await?
                    .contacts
                    .iter()
                    .map(export_contact)
                    .collect();
                Ok(if format == ExportFormat::Vcard {
                    to_vcard4(&contacts)
                } else {
                    to_csv(&contacts)
                })
            }
        }
    }
}
