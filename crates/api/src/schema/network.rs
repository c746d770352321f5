//! Her network: contacts (the stage the rules derive, the meet list) and the interactions
//! logged with them.

use async_graphql::{
    Context, ID, InputObject, MaybeUndefined, Object, SimpleObject,
    connection::{Connection, Edge},
};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use herlead_core::{
    input::{
        CadenceDays, Company, ContactName, Email, HttpUrl, Industry, JobTitle, Note, SearchText,
        parse_tags,
    },
    network::{
        Contact, Interaction, InteractionKind, Scope, Sector, Stage, ValuesAlignment, WarningCode,
    },
};
use herlead_store::{ContactFilter, PageRequest};
use uuid::Uuid;

use crate::{ApiError, error::Result};

use super::common::{
    PAGE_DEFAULT, deleted, gid, invalid, occurred, page_cost, page_size, parse_id, patch, store,
    viewer,
};

const LINKS_MAX: usize = 10;
/// The most e-mail addresses a contact holds.
const EMAILS_MAX: usize = 10;

/// A person in her network.
pub struct ContactView {
    pub(crate) contact: Contact,
    pub(crate) stage: Stage,
}

#[Object(name = "Contact")]
impl ContactView {
    async fn id(&self) -> ID {
        gid(self.contact.id)
    }
    /// Their name.
    async fn name(&self) -> &str {
        &self.contact.name
    }
    /// Where they have influence; null until she classifies them (imported contacts). The
    /// rules count a contact only once it has a sector and a scope.
    async fn sector(&self) -> Option<Sector> {
        self.contact.sector
    }
    /// How far it reaches; null until she classifies them.
    async fn scope(&self) -> Option<Scope> {
        self.contact.scope
    }
    /// A sector suggested from their company and job title while she has not set one, with
    /// the words that suggested it; null when nothing does or she has chosen.
    async fn suggested_sector(&self) -> Option<SectorSuggestion> {
        if self.contact.sector.is_some() {
            return None;
        }
        suggest_sector(
            self.contact.company.as_deref(),
            self.contact.job_title.as_deref(),
        )
    }
    /// Their e-mail addresses.
    async fn emails(&self) -> Vec<&str> {
        self.contact.emails.iter().map(|e| e.as_str()).collect()
    }
    /// Where they work.
    async fn company(&self) -> Option<&str> {
        self.contact.company.as_deref()
    }
    /// What they do there.
    async fn job_title(&self) -> Option<&str> {
        self.contact.job_title.as_deref()
    }
    /// The day she connected with them, when known (LinkedIn's "Connected On").
    async fn connected_on(&self) -> Option<NaiveDate> {
        self.contact.connected_on
    }
    /// Their industry.
    async fn industry(&self) -> Option<&str> {
        self.contact.industry.as_deref()
    }
    /// Whether they work in her industry.
    async fn in_her_industry(&self) -> bool {
        self.contact.in_her_industry
    }
    /// On her list of people to meet.
    async fn on_meet_list(&self) -> bool {
        self.contact.on_meet_list
    }
    /// A competitor of hers.
    async fn competitor(&self) -> bool {
        self.contact.competitor
    }
    /// Whether their values meet hers.
    async fn values(&self) -> ValuesAlignment {
        self.contact.values
    }
    /// Causes and interests.
    async fn tags(&self) -> &[String] {
        &self.contact.tags
    }
    /// Their profiles and pages.
    async fn links(&self) -> Vec<&str> {
        self.contact.links.iter().map(HttpUrl::as_str).collect()
    }
    /// The relationship's stage: hers if she set one, else derived from her history.
    async fn stage(&self) -> Stage {
        self.stage
    }
    /// The stage she set by hand, if any.
    async fn stage_override(&self) -> Option<Stage> {
        self.contact.stage_override
    }
    /// Days between touches she chose; null for the stage's default.
    async fn cadence_days(&self) -> Option<i32> {
        self.contact
            .cadence_days
            .and_then(|d| i32::try_from(d.get()).ok())
    }
    /// When she added them.
    async fn created_at(&self) -> DateTime<Utc> {
        self.contact.created_at
    }
}

/// Why a sector is suggested for a contact.
#[derive(SimpleObject)]
pub struct SectorSuggestion {
    /// The suggested sector.
    sector: Sector,
    /// The field the words were found in: `company` or `jobTitle`.
    field: &'static str,
    /// The words, as written in that field.
    matched: String,
    /// The rule that matched (`UNIVERSITY`, `MINISTRY`, `NEWSPAPER`, `COMPANY_FORM`, …).
    rule: &'static str,
}

/// The sector `herlead_import::suggest` reads in a company and a job title, with why.
pub(crate) fn suggest_sector(
    company: Option<&str>,
    job_title: Option<&str>,
) -> Option<SectorSuggestion> {
    let s = herlead_import::suggest(company, job_title)?;
    Some(SectorSuggestion {
        sector: s.sector,
        field: s.because.field,
        matched: s.because.matched,
        rule: s.because.rule,
    })
}

/// Connection fields beyond edges and page info.
#[derive(SimpleObject)]
pub struct ContactConnectionFields {
    /// All contacts matching the filter.
    total_count: i64,
}

/// Something she did with or for a contact.
#[derive(SimpleObject)]
#[graphql(name = "Interaction")]
pub struct InteractionView {
    id: ID,
    /// With whom.
    contact_id: ID,
    /// What happened.
    kind: InteractionKind,
    /// Whether it was a give.
    is_give: bool,
    /// Whether it was an ask.
    is_ask: bool,
    /// When.
    occurred_at: DateTime<Utc>,
    /// Her note.
    note: Option<String>,
}

impl From<Interaction> for InteractionView {
    fn from(i: Interaction) -> Self {
        Self {
            id: gid(i.id),
            contact_id: gid(i.contact_id),
            kind: i.kind,
            is_give: i.kind.is_give(),
            is_ask: i.kind.is_ask(),
            occurred_at: i.occurred_at,
            note: i.note.map(Note::into_string),
        }
    }
}

/// A heads-up about an ask; the ask is recorded all the same.
#[derive(SimpleObject)]
pub struct Warning {
    /// What to look at.
    code: WarningCode,
    /// Why it matters.
    message: String,
}

/// The logged interaction and what to think about.
#[derive(SimpleObject)]
pub struct LogInteractionPayload {
    /// What was recorded.
    interaction: InteractionView,
    /// Warnings for asks made before giving or before checking values.
    warnings: Vec<Warning>,
}

/// What deleting a contact removed.
#[derive(SimpleObject)]
pub struct DeleteContactPayload {
    /// The deleted contact.
    id: ID,
    /// Interactions deleted with it.
    deleted_interactions: i64,
    /// Meetings that no longer list it as an attendee.
    removed_from_meetings: i64,
}

/// A new contact.
#[derive(InputObject)]
pub struct ContactInput {
    /// Their name (up to 120 characters).
    name: String,
    /// Where they have influence.
    sector: Sector,
    /// How far it reaches.
    scope: Scope,
    /// Their industry (up to 100 characters).
    industry: Option<String>,
    /// Whether they work in her industry.
    #[graphql(default)]
    in_her_industry: bool,
    /// On her list of people to meet.
    #[graphql(default)]
    on_meet_list: bool,
    /// A competitor of hers.
    #[graphql(default)]
    competitor: bool,
    /// Whether their values meet hers.
    #[graphql(default_with = "ValuesAlignment::Unknown")]
    values: ValuesAlignment,
    /// Causes and interests (up to 20, 40 characters each).
    #[graphql(default)]
    tags: Vec<String>,
    /// Their profiles and pages (up to 10).
    #[graphql(default)]
    links: Vec<String>,
    /// Set the stage by hand instead of deriving it.
    stage: Option<Stage>,
    /// Days between touches (1 to 365); omitted for the stage's default.
    cadence_days: Option<i32>,
    /// Their e-mail addresses (up to 10).
    #[graphql(default)]
    emails: Vec<String>,
    /// Where they work (up to 200 characters).
    company: Option<String>,
    /// What they do there (up to 200 characters).
    job_title: Option<String>,
    /// The day she connected with them (not in the future).
    connected_on: Option<NaiveDate>,
}

/// Changes to a contact. Omitted fields stay; null clears optional ones (a null `stage`
/// goes back to the derived stage).
#[derive(InputObject)]
pub struct ContactUpdateInput {
    name: Option<String>,
    sector: Option<Sector>,
    scope: Option<Scope>,
    industry: MaybeUndefined<String>,
    in_her_industry: Option<bool>,
    on_meet_list: Option<bool>,
    competitor: Option<bool>,
    values: Option<ValuesAlignment>,
    tags: Option<Vec<String>>,
    links: Option<Vec<String>>,
    stage: MaybeUndefined<Stage>,
    cadence_days: MaybeUndefined<i32>,
    emails: Option<Vec<String>>,
    company: MaybeUndefined<String>,
    job_title: MaybeUndefined<String>,
    connected_on: MaybeUndefined<NaiveDate>,
}

/// Which contacts to list.
#[derive(InputObject, Default)]
pub struct ContactFilterInput {
    sector: Option<Sector>,
    scope: Option<Scope>,
    stage: Option<Stage>,
    on_meet_list: Option<bool>,
    /// Part of the name, any case.
    search: Option<String>,
    /// Only contacts with (`true`) or without (`false`) both a sector and a scope: `false`
    /// lists the imported contacts she still has to classify.
    classified: Option<bool>,
}

/// A sector and a scope for one of her contacts.
#[derive(InputObject)]
pub struct ContactClassificationInput {
    /// One of her contacts.
    contact_id: ID,
    /// Where they have influence.
    sector: Sector,
    /// How far it reaches.
    scope: Scope,
}

/// The most contacts one `classifyContacts` call changes.
pub const CLASSIFY_MAX: usize = 500;

/// An interaction to log.
#[derive(InputObject)]
pub struct LogInteractionInput {
    /// With whom: one of her contacts.
    contact_id: ID,
    /// What happened.
    kind: InteractionKind,
    /// When (default: now; not in the future).
    occurred_at: Option<DateTime<Utc>>,
    /// Her note (up to 2,000 characters).
    note: Option<String>,
}

fn links(raw: &[String]) -> Result<Vec<HttpUrl>> {
    if raw.len() > LINKS_MAX {
        return Err(invalid(
            "links",
            &format!("at most {LINKS_MAX} links are accepted"),
        ));
    }
    raw.iter()
        .map(|l| HttpUrl::parse("links", l).map_err(ApiError::from))
        .collect()
}

fn cadence(raw: Option<i32>) -> Result<Option<CadenceDays>> {
    Ok(raw
        .map(|days| CadenceDays::parse("cadenceDays", days))
        .transpose()?)
}

fn warning(code: WarningCode) -> Warning {
    let message = match code {
        WarningCode::GiveFirst => "You have not given to this person yet: give before you ask.",
        WarningCode::ValuesUnknown => {
            "You have not checked that your values align with this person's."
        }
    };
    Warning {
        code,
        message: message.into(),
    }
}

fn new_contact(input: ContactInput) -> Result<Contact> {
    Ok(Contact {
        id: Uuid::now_v7(),
        name: ContactName::parse("name", &input.name)?,
        sector: Some(input.sector),
        scope: Some(input.scope),
        industry: Industry::parse_optional("industry", input.industry.as_deref())?,
        in_her_industry: input.in_her_industry,
        on_meet_list: input.on_meet_list,
        competitor: input.competitor,
        values: input.values,
        tags: parse_tags("tags", &input.tags)?,
        links: links(&input.links)?,
        stage_override: input.stage,
        cadence_days: cadence(input.cadence_days)?,
        emails: emails(&input.emails)?,
        company: Company::parse_optional("company", input.company.as_deref())?,
        job_title: JobTitle::parse_optional("jobTitle", input.job_title.as_deref())?,
        connected_on: input.connected_on.map(connected_on).transpose()?,
        created_at: herlead_store::now(),
    })
}

fn emails(raw: &[String]) -> Result<Vec<Email>> {
    if raw.len() > EMAILS_MAX {
        return Err(invalid(
            "emails",
            &format!("at most {EMAILS_MAX} e-mail addresses are accepted"),
        ));
    }
    let mut out: Vec<Email> = Vec::new();
    for e in raw {
        let e = Email::parse("emails", e)?;
        if !out.contains(&e) {
            out.push(e);
        }
    }
    Ok(out)
}

fn connected_on(day: NaiveDate) -> Result<NaiveDate> {
    let today = herlead_store::now().date_naive();
    if day > today + Duration::days(1) || day.year() < 1900 {
        return Err(invalid(
            "connectedOn",
            "the day she connected must be after 1900 and not in the future",
        ));
    }
    Ok(day)
}

/// Contact and interaction reads.
#[derive(Debug, Default)]
pub struct NetworkQuery;

#[Object]
impl NetworkQuery {
    /// Her contacts, oldest first, filtered and paged (at most 100 a page).
    #[graphql(complexity = "page_cost(first.or(last), 20, child_complexity)")]
    async fn contacts(
        &self,
        ctx: &Context<'_>,
        filter: Option<ContactFilterInput>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Connection<String, ContactView, ContactConnectionFields>> {
        let v = viewer(ctx)?;
        if first.is_some() && last.is_some() {
            return Err(invalid("first", "use either first or last, not both"));
        }
        let cursor = |field, c: Option<String>| c.map(|c| parse_id(field, &ID(c))).transpose();
        let page = PageRequest {
            first: page_size("first", first)?.or(if last.is_none() {
                Some(PAGE_DEFAULT as u64)
            } else {
                None
            }),
            after: cursor("after", after)?,
            last: page_size("last", last)?,
            before: cursor("before", before)?,
        };
        let filter = filter.unwrap_or_default();
        let search = filter
            .search
            .map(|s| SearchText::parse_optional("search", Some(&s)))
            .transpose()?
            .flatten()
            .map(SearchText::into_string);
        let result = store(ctx)
            .contacts_page(
                v.user_id,
                &ContactFilter {
                    sector: filter.sector,
                    scope: filter.scope,
                    stage: filter.stage,
                    on_meet_list: filter.on_meet_list,
                    search,
                    classified: filter.classified,
                },
                page,
            )
            .await?;
        let mut connection = Connection::with_additional_fields(
            result.has_previous,
            result.has_next,
            ContactConnectionFields {
                total_count: i64::try_from(result.total).unwrap_or(i64::MAX),
            },
        );
        connection
            .edges
            .extend(result.items.into_iter().map(|(contact, stage)| {
                Edge::new(contact.id.to_string(), ContactView { contact, stage })
            }));
        Ok(connection)
    }

    /// One of her contacts.
    async fn contact(&self, ctx: &Context<'_>, id: ID) -> Result<ContactView> {
        let v = viewer(ctx)?;
        let id = parse_id("id", &id)?;
        let (contact, stage) = store(ctx)
            .contact(v.user_id, id)
            .await?
            .ok_or_else(|| ApiError::not_found("contact", "id"))?;
        Ok(ContactView { contact, stage })
    }

    /// Her interactions, newest first: all, or one contact's.
    async fn interactions(
        &self,
        ctx: &Context<'_>,
        contact_id: Option<ID>,
    ) -> Result<Vec<InteractionView>> {
        let v = viewer(ctx)?;
        let contact = contact_id
            .map(|id| parse_id("contactId", &id))
            .transpose()?;
        if let Some(id) = contact
            && store(ctx).contact(v.user_id, id).await?.is_none()
        {
            return Err(ApiError::not_found("contact", "contactId"));
        }
        let list = store(ctx).interactions(v.user_id, contact).await?;
        Ok(list.into_iter().map(InteractionView::from).collect())
    }
}

/// Contact and interaction writes.
#[derive(Debug, Default)]
pub struct NetworkMutation;

#[Object]
impl NetworkMutation {
    /// Adds a contact.
    async fn add_contact(&self, ctx: &Context<'_>, input: ContactInput) -> Result<ContactView> {
        let v = viewer(ctx)?;
        let contact = new_contact(input)?;
        let s = store(ctx);
        let saved = s.add_contact(v.user_id, contact).await?;
        let (contact, stage) = s
            .contact(v.user_id, saved.id)
            .await?
            .ok_or_else(|| ApiError::not_found("contact", "id"))?;
        Ok(ContactView { contact, stage })
    }

    /// Changes one of her contacts.
    async fn update_contact(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: ContactUpdateInput,
    ) -> Result<ContactView> {
        let v = viewer(ctx)?;
        let id = parse_id("id", &id)?;
        let s = store(ctx);
        let not_found = || ApiError::not_found("contact", "id");
        let (mut c, _) = s.contact(v.user_id, id).await?.ok_or_else(not_found)?;
        if let Some(name) = input.name {
            c.name = ContactName::parse("name", &name)?;
        }
        c.sector = input.sector.or(c.sector);
        c.scope = input.scope.or(c.scope);
        if let Some(list) = input.emails {
            c.emails = emails(&list)?;
        }
        c.company = patch(c.company, input.company, |t| {
            Ok(Company::parse_optional("company", Some(&t))?)
        })?;
        c.job_title = patch(c.job_title, input.job_title, |t| {
            Ok(JobTitle::parse_optional("jobTitle", Some(&t))?)
        })?;
        c.connected_on = patch(c.connected_on, input.connected_on, |d| {
            connected_on(d).map(Some)
        })?;
        c.industry = patch(c.industry, input.industry, |t| {
            Ok(Industry::parse_optional("industry", Some(&t))?)
        })?;
        c.in_her_industry = input.in_her_industry.unwrap_or(c.in_her_industry);
        c.on_meet_list = input.on_meet_list.unwrap_or(c.on_meet_list);
        c.competitor = input.competitor.unwrap_or(c.competitor);
        c.values = input.values.unwrap_or(c.values);
        if let Some(tags) = input.tags {
            c.tags = parse_tags("tags", &tags)?;
        }
        if let Some(list) = input.links {
            c.links = links(&list)?;
        }
        c.stage_override = patch(c.stage_override, input.stage, |st| Ok(Some(st)))?;
        c.cadence_days = patch(c.cadence_days, input.cadence_days, |d| cadence(Some(d)))?;
        s.update_contact(v.user_id, c)
            .await?
            .ok_or_else(not_found)?;
        let (contact, stage) = s.contact(v.user_id, id).await?.ok_or_else(not_found)?;
        Ok(ContactView { contact, stage })
    }

    /// Sets the sector and scope of up to 500 of her contacts at once (accepting or changing
    /// their `suggestedSector`), in one transaction: every id must be hers or nothing changes.
    /// Answers how many contacts changed; the rules then count them.
    async fn classify_contacts(
        &self,
        ctx: &Context<'_>,
        input: Vec<ContactClassificationInput>,
    ) -> Result<i64> {
        let v = viewer(ctx)?;
        if input.is_empty() || input.len() > CLASSIFY_MAX {
            return Err(invalid(
                "input",
                &format!("classify between 1 and {CLASSIFY_MAX} contacts at a time"),
            ));
        }
        let changes = input
            .iter()
            .map(|c| Ok((parse_id("contactId", &c.contact_id)?, c.sector, c.scope)))
            .collect::<Result<Vec<_>>>()?;
        let changed = store(ctx).classify_contacts(v.user_id, &changes).await?;
        Ok(i64::try_from(changed).unwrap_or(i64::MAX))
    }

    /// Deletes one of her contacts with the interactions logged with them, and takes them off
    /// meeting attendee lists (the meetings stay). Tasks re-evaluate at once.
    async fn delete_contact(&self, ctx: &Context<'_>, id: ID) -> Result<DeleteContactPayload> {
        let v = viewer(ctx)?;
        let uuid = parse_id("id", &id)?;
        let deleted = store(ctx)
            .delete_contact(v.user_id, uuid)
            .await?
            .ok_or_else(|| ApiError::not_found("contact", "id"))?;
        Ok(DeleteContactPayload {
            id,
            deleted_interactions: i64::try_from(deleted.interactions).unwrap_or(i64::MAX),
            removed_from_meetings: i64::try_from(deleted.meetings).unwrap_or(i64::MAX),
        })
    }

    /// Logs a give, an ask, a connection or a meeting in person with one of her contacts. An
    /// ask made before any give, or before values were checked, is recorded with warnings.
    async fn log_interaction(
        &self,
        ctx: &Context<'_>,
        input: LogInteractionInput,
    ) -> Result<LogInteractionPayload> {
        let v = viewer(ctx)?;
        let interaction = Interaction {
            id: Uuid::now_v7(),
            contact_id: parse_id("contactId", &input.contact_id)?,
            kind: input.kind,
            occurred_at: occurred("occurredAt", input.occurred_at, Duration::days(1))?,
            note: Note::parse_optional("note", input.note.as_deref())?,
        };
        let warnings = store(ctx)
            .log_interaction(v.user_id, interaction.clone())
            .await?;
        Ok(LogInteractionPayload {
            interaction: interaction.into(),
            warnings: warnings.into_iter().map(warning).collect(),
        })
    }

    /// Deletes one of her interactions; returns its id.
    async fn delete_interaction(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        let v = viewer(ctx)?;
        let uuid = parse_id("id", &id)?;
        deleted(
            id,
            store(ctx).delete_interaction(v.user_id, uuid).await?,
            "interaction",
        )
    }
}
