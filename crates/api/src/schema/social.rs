//! The social capital model over GraphQL: presence and profiles, contacts and interactions,
//! communities and meetings, and what the rules make of them (recommendations, score,
//! reconnect list).

use std::collections::HashSet;

use async_graphql::{
    Context, ID, InputObject, MaybeUndefined, Object, SimpleObject,
    connection::{Connection, Edge},
};
use chrono::{DateTime, Duration, Utc};
use herlead_core::{
    Audience, Playbook, ValidationError,
    community::{Community, CommunityKind, CommunityRole, Meeting, is_real_world},
    input::{Handle, HttpUrl, Note, optional_line, parse_tags, single_line},
    network::{
        Contact, Interaction, InteractionKind, Scope, Sector, Stage, ValuesAlignment, WarningCode,
    },
    presence::{
        self, FindingCode, Platform, Presence, Profile, SIGNATURE_MAX_LEN, TAGLINE_MAX_LEN,
    },
    recommend::{EntityKind, RecommendationCode, recommend},
    reconnect::{CADENCE_MAX_DAYS, due_to_reconnect},
    score::{Factor, SubScore, social_capital},
};
use herlead_store::{ContactFilter, PageRequest, Store};
use uuid::Uuid;

use super::{ChannelView, TaskView, services, viewer};
use crate::{ApiError, error::Result};

const NAME_MAX: usize = 120;
const INDUSTRY_MAX: usize = 100;
const LINKS_MAX: usize = 10;
const ATTENDEES_MAX: usize = 200;
/// Largest page of a connection.
pub const PAGE_MAX: i32 = 100;
const PAGE_DEFAULT: i32 = 20;

pub(crate) fn invalid(field: &'static str, message: &str) -> ApiError {
    ApiError::Validation(ValidationError::new(field, message))
}

pub(crate) fn parse_id(field: &'static str, id: &ID) -> Result<Uuid> {
    Uuid::parse_str(id.as_str()).map_err(|_| invalid(field, "this is not a valid id"))
}

pub(crate) fn gid(id: Uuid) -> ID {
    ID(id.to_string())
}

pub(crate) fn store<'a>(ctx: &Context<'a>) -> &'a Store {
    services(ctx).0
}

fn opt_url(field: &'static str, raw: Option<&str>) -> Result<Option<HttpUrl>> {
    match raw.map(str::trim) {
        Some(text) if !text.is_empty() => Ok(Some(HttpUrl::parse(field, text)?)),
        _ => Ok(None),
    }
}

/// Applies a patch field: absent keeps `current`, null clears, a value is parsed.
fn patch<T, U>(
    current: Option<T>,
    update: MaybeUndefined<U>,
    parse: impl FnOnce(U) -> Result<Option<T>>,
) -> Result<Option<T>> {
    match update {
        MaybeUndefined::Undefined => Ok(current),
        MaybeUndefined::Null => Ok(None),
        MaybeUndefined::Value(v) => parse(v),
    }
}

fn signature(raw: &str) -> Result<Option<String>> {
    let text = raw.trim();
    if text.chars().count() > SIGNATURE_MAX_LEN {
        return Err(invalid(
            "emailSignature",
            &format!("a signature has at most {SIGNATURE_MAX_LEN} characters"),
        ));
    }
    if text.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return Err(invalid(
            "emailSignature",
            "a signature cannot contain control characters",
        ));
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
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

fn cadence(raw: Option<i32>) -> Result<Option<u32>> {
    match raw {
        None => Ok(None),
        Some(days) => u32::try_from(days)
            .ok()
            .filter(|d| (1..=CADENCE_MAX_DAYS).contains(d))
            .map(Some)
            .ok_or_else(|| {
                invalid(
                    "cadenceDays",
                    &format!("a cadence is 1 to {CADENCE_MAX_DAYS} days"),
                )
            }),
    }
}

/// When something happened: now if omitted; never more than a day ahead (clocks drift) nor
/// before 1900.
fn occurred(
    field: &'static str,
    raw: Option<DateTime<Utc>>,
    max_ahead: Duration,
) -> Result<DateTime<Utc>> {
    let now = Utc::now();
    let at = raw.unwrap_or(now);
    if at > now + max_ahead {
        return Err(invalid(field, "this date is too far in the future"));
    }
    if at.timestamp() < -2_208_988_800 {
        return Err(invalid(field, "this date is before 1900"));
    }
    Ok(at)
}

// ---------------------------------------------------------------------------------------
// Output types

/// One of her social profiles.
#[derive(SimpleObject)]
#[graphql(name = "Profile")]
pub struct ProfileView {
    id: ID,
    /// Where it lives.
    platform: Platform,
    /// Her user name there, without `@`.
    handle: String,
    /// The profile's address.
    url: String,
    /// The name shown on it.
    display_name: Option<String>,
    /// The line under the name.
    tagline: Option<String>,
    /// The picture's address.
    picture_url: Option<String>,
    /// The website link shown on it.
    website_link: Option<String>,
}

impl From<Profile> for ProfileView {
    fn from(p: Profile) -> Self {
        Self {
            id: gid(p.id),
            platform: p.platform,
            handle: p.handle.as_str().to_owned(),
            url: p.url.as_str().to_owned(),
            display_name: p.display_name,
            tagline: p.tagline,
            picture_url: p.picture_url.map(|u| u.as_str().to_owned()),
            website_link: p.website_link.map(|u| u.as_str().to_owned()),
        }
    }
}

/// Something to fix so every profile tells the same story.
#[derive(SimpleObject)]
pub struct ConsistencyFinding {
    /// What kind of problem.
    code: FindingCode,
    /// The profiles to change.
    profile_ids: Vec<ID>,
    /// How to fix it.
    fix: String,
}

/// Step 1 at a glance: website, signature, audiences, profiles and what to fix.
pub struct PresenceView {
    presence: Presence,
    profiles: Vec<Profile>,
}

#[Object(name = "Presence")]
impl PresenceView {
    /// Her website.
    async fn website(&self) -> Option<&str> {
        self.presence.website.as_ref().map(HttpUrl::as_str)
    }

    /// Her email signature (text or HTML).
    async fn email_signature(&self) -> Option<&str> {
        self.presence.email_signature.as_deref()
    }

    /// The audiences she speaks to.
    async fn audiences(&self) -> &[Audience] {
        &self.presence.audiences
    }

    /// Her profiles, oldest first.
    async fn profiles(&self) -> Vec<ProfileView> {
        self.profiles
            .iter()
            .cloned()
            .map(ProfileView::from)
            .collect()
    }

    /// Inconsistencies between her profiles, and profiles her signature does not link.
    async fn findings(&self) -> Vec<ConsistencyFinding> {
        presence::check_consistency(&self.presence, &self.profiles)
            .into_iter()
            .map(|f| ConsistencyFinding {
                code: f.code,
                profile_ids: f.profile_ids.into_iter().map(gid).collect(),
                fix: f.fix,
            })
            .collect()
    }

    /// Channels made for her audiences on which she has no profile yet.
    async fn recommended_channels(&self) -> Vec<ChannelView> {
        presence::recommended_channels(&self.presence, &self.profiles)
            .into_iter()
            .map(ChannelView)
            .collect()
    }
}

/// A person in her network.
pub struct ContactView {
    contact: Contact,
    stage: Stage,
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
    /// Where they have influence.
    async fn sector(&self) -> Sector {
        self.contact.sector
    }
    /// How far it reaches.
    async fn scope(&self) -> Scope {
        self.contact.scope
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
            .and_then(|d| i32::try_from(d).ok())
    }
    /// When she added them.
    async fn created_at(&self) -> DateTime<Utc> {
        self.contact.created_at
    }
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
        name: c.name,
        kind: c.kind,
        role: c.role,
        link: c.link.map(|u| u.as_str().to_owned()),
    }
}

/// What a recommendation is about.
#[derive(SimpleObject)]
pub struct EntityRef {
    /// A profile, a contact or a community.
    kind: EntityKind,
    /// Its id.
    id: ID,
}

/// A next best action.
#[derive(SimpleObject)]
pub struct Recommendation {
    /// What to do.
    code: RecommendationCode,
    /// The action in a sentence.
    message: String,
    /// The key of the task it advances.
    task_key: String,
    /// The task it advances.
    task: TaskView,
    /// The profile, contact or community concerned.
    entity: Option<EntityRef>,
}

/// One ingredient of a sub-score.
#[derive(SimpleObject)]
#[graphql(name = "ScoreFactor")]
pub struct FactorView {
    /// Stable name.
    name: String,
    /// 0 to 1.
    value: f64,
    /// Points at 1.
    weight: f64,
    /// Points earned.
    points: f64,
    /// Why.
    explanation: String,
}

impl From<&Factor> for FactorView {
    fn from(f: &Factor) -> Self {
        Self {
            name: f.name.to_owned(),
            value: f.value,
            weight: f.weight,
            points: f.points(),
            explanation: f.explanation.clone(),
        }
    }
}

/// One of the four sub-scores.
#[derive(SimpleObject)]
#[graphql(name = "SubScore")]
pub struct SubScoreView {
    /// 0 to 25.
    score: f64,
    /// What made it.
    factors: Vec<FactorView>,
}

impl From<&SubScore> for SubScoreView {
    fn from(s: &SubScore) -> Self {
        Self {
            score: s.score,
            factors: s.factors.iter().map(FactorView::from).collect(),
        }
    }
}

/// Her social capital: 0–100 in four explained parts of 0–25.
#[derive(SimpleObject)]
#[graphql(name = "SocialCapital")]
pub struct SocialCapitalView {
    /// 0 to 100.
    total: f64,
    /// Step 1: a findable, consistent presence.
    presence: SubScoreView,
    /// Step 2: key people across sectors and scopes.
    reach: SubScoreView,
    /// Step 3: giving before asking.
    reciprocity: SubScoreView,
    /// Step 4: real-world communities.
    collective_action: SubScoreView,
}

impl SocialCapitalView {
    /// Drops the reach factors (which name how her contacts spread over sectors), keeping
    /// the sub-score itself.
    pub(crate) fn withhold_reach_factors(&mut self) {
        self.reach.factors.clear();
    }
}

impl From<&herlead_core::score::SocialCapital> for SocialCapitalView {
    fn from(score: &herlead_core::score::SocialCapital) -> Self {
        Self {
            total: score.total,
            presence: (&score.presence).into(),
            reach: (&score.reach).into(),
            reciprocity: (&score.reciprocity).into(),
            collective_action: (&score.collective_action).into(),
        }
    }
}

/// A contact due for a touch.
#[derive(SimpleObject)]
pub struct ReconnectItem {
    /// Who.
    contact: ContactView,
    /// The last interaction or meeting together (or when she was added).
    last_touch: DateTime<Utc>,
    /// The cadence in force.
    cadence_days: i32,
    /// When the touch was due.
    due_at: DateTime<Utc>,
    /// Whole days past due.
    overdue_days: i32,
}

// ---------------------------------------------------------------------------------------
// Inputs

/// Changes to her website, signature and audiences. Omitted fields stay as they are; null
/// clears.
#[derive(InputObject)]
pub struct PresenceInput {
    /// Her website (http or https).
    website: MaybeUndefined<String>,
    /// Her email signature, text or HTML, up to 5,000 characters.
    email_signature: MaybeUndefined<String>,
    /// The audiences she speaks to.
    audiences: MaybeUndefined<Vec<Audience>>,
}

/// A new profile.
#[derive(InputObject)]
pub struct ProfileInput {
    /// Where it lives.
    platform: Platform,
    /// Her user name there (a leading `@` is dropped).
    handle: String,
    /// The profile's address.
    url: String,
    /// The name shown on it.
    display_name: Option<String>,
    /// The line under the name (up to 200 characters).
    tagline: Option<String>,
    /// The picture's address.
    picture_url: Option<String>,
    /// The website link shown on it.
    website_link: Option<String>,
}

/// Changes to a profile. Omitted fields stay; null clears optional ones.
#[derive(InputObject)]
pub struct ProfileUpdateInput {
    platform: Option<Platform>,
    handle: Option<String>,
    url: Option<String>,
    display_name: MaybeUndefined<String>,
    tagline: MaybeUndefined<String>,
    picture_url: MaybeUndefined<String>,
    website_link: MaybeUndefined<String>,
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
}

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

// ---------------------------------------------------------------------------------------
// Resolvers

/// The complexity of a list field: its page size (capped, `default` when not given) times the
/// complexity of one item, so a query's cost reflects how much it can return.
/// The answer to a delete: the id when something of hers was deleted, NOT_FOUND otherwise.
fn deleted(id: ID, found: bool, what: &'static str) -> Result<ID> {
    if found {
        Ok(id)
    } else {
        Err(ApiError::not_found(what, "id"))
    }
}

pub(crate) fn page_cost(size: Option<i32>, default: i32, child_complexity: usize) -> usize {
    let n = size.unwrap_or(default).clamp(0, PAGE_MAX);
    usize::try_from(n).unwrap_or(0).max(1) * child_complexity + 1
}

pub(crate) fn page_size(field: &'static str, value: Option<i32>) -> Result<Option<u64>> {
    match value {
        None => Ok(None),
        Some(n) if (0..=PAGE_MAX).contains(&n) => Ok(Some(u64::try_from(n).unwrap_or(0))),
        Some(_) => Err(invalid(
            field,
            &format!("a page holds 0 to {PAGE_MAX} items"),
        )),
    }
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

/// Read operations of the social capital model.
#[derive(Debug, Default)]
pub struct SocialQuery;

#[Object]
impl SocialQuery {
    /// Her website, signature, audiences and profiles, with consistency findings.
    async fn presence(&self, ctx: &Context<'_>) -> Result<PresenceView> {
        let v = viewer(ctx)?;
        let snapshot = store(ctx).snapshot(v.user_id).await?;
        Ok(PresenceView {
            presence: snapshot.presence,
            profiles: snapshot.profiles,
        })
    }

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
            .map(|s| optional_line("search", Some(&s), NAME_MAX, "a search"))
            .transpose()?
            .flatten();
        let result = store(ctx)
            .contacts_page(
                v.user_id,
                &ContactFilter {
                    sector: filter.sector,
                    scope: filter.scope,
                    stage: filter.stage,
                    on_meet_list: filter.on_meet_list,
                    search,
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

    /// Her communities with their meetings.
    async fn communities(&self, ctx: &Context<'_>) -> Result<Vec<CommunityView>> {
        let v = viewer(ctx)?;
        let snapshot = store(ctx).snapshot(v.user_id).await?;
        let now = Utc::now();
        Ok(snapshot
            .communities
            .into_iter()
            .map(|c| community_view(c, &snapshot.meetings, now))
            .collect())
    }

    /// What to do next, in playbook order (default 10, at most 100).
    #[graphql(complexity = "page_cost(Some(first), 10, child_complexity)")]
    async fn recommendations(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] first: i32,
    ) -> Result<Vec<Recommendation>> {
        let v = viewer(ctx)?;
        let limit = page_size("first", Some(first))?.unwrap_or(10);
        let s = store(ctx);
        let snapshot = s.snapshot(v.user_id).await?;
        let skipped: HashSet<String> = s
            .task_records(v.user_id)
            .await?
            .into_iter()
            .filter(|r| r.status == herlead_core::TaskStatus::Skipped)
            .map(|r| r.task_key)
            .collect();
        Ok(recommend(&snapshot, Utc::now(), &skipped)
            .into_iter()
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .filter_map(|r| {
                let task = Playbook::standard().task(r.task_key)?;
                Some(Recommendation {
                    code: r.code,
                    message: r.message,
                    task_key: r.task_key.to_owned(),
                    task: TaskView(task),
                    entity: r.entity.map(|(kind, id)| EntityRef { kind, id: gid(id) }),
                })
            })
            .collect())
    }

    /// Her social capital score with the factors behind it.
    async fn social_capital(&self, ctx: &Context<'_>) -> Result<SocialCapitalView> {
        let v = viewer(ctx)?;
        let snapshot = store(ctx).snapshot(v.user_id).await?;
        Ok((&social_capital(&snapshot, Utc::now())).into())
    }

    /// Contacts due for a touch, most overdue first (default 20, at most 100).
    #[graphql(complexity = "page_cost(Some(first), 20, child_complexity)")]
    async fn due_to_reconnect(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
    ) -> Result<Vec<ReconnectItem>> {
        let v = viewer(ctx)?;
        let limit = page_size("first", Some(first))?.unwrap_or(20);
        let snapshot = store(ctx).snapshot(v.user_id).await?;
        let stages = snapshot.stages();
        Ok(due_to_reconnect(&snapshot, Utc::now())
            .into_iter()
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .filter_map(|r| {
                let contact = snapshot
                    .contacts
                    .iter()
                    .find(|c| c.id == r.contact_id)?
                    .clone();
                Some(ReconnectItem {
                    contact: ContactView {
                        stage: stages
                            .get(&contact.id)
                            .copied()
                            .unwrap_or(Stage::Identified),
                        contact,
                    },
                    last_touch: r.last_touch,
                    cadence_days: i32::try_from(r.cadence_days).unwrap_or(i32::MAX),
                    due_at: r.due_at,
                    overdue_days: i32::try_from(r.overdue_days).unwrap_or(i32::MAX),
                })
            })
            .collect())
    }
}

fn new_profile(input: ProfileInput) -> Result<Profile> {
    Ok(Profile {
        id: Uuid::now_v7(),
        platform: input.platform,
        handle: Handle::parse("handle", &input.handle)?,
        url: HttpUrl::parse("url", &input.url)?,
        display_name: optional_line("displayName", input.display_name.as_deref(), 80, "a name")?,
        tagline: optional_line(
            "tagline",
            input.tagline.as_deref(),
            TAGLINE_MAX_LEN,
            "a tagline",
        )?,
        picture_url: opt_url("pictureUrl", input.picture_url.as_deref())?,
        website_link: opt_url("websiteLink", input.website_link.as_deref())?,
    })
}

fn new_contact(input: ContactInput) -> Result<Contact> {
    Ok(Contact {
        id: Uuid::now_v7(),
        name: single_line("name", &input.name, NAME_MAX, "a name")?,
        sector: input.sector,
        scope: input.scope,
        industry: optional_line(
            "industry",
            input.industry.as_deref(),
            INDUSTRY_MAX,
            "an industry",
        )?,
        in_her_industry: input.in_her_industry,
        on_meet_list: input.on_meet_list,
        competitor: input.competitor,
        values: input.values,
        tags: parse_tags("tags", &input.tags)?,
        links: links(&input.links)?,
        stage_override: input.stage,
        cadence_days: cadence(input.cadence_days)?,
        created_at: herlead_store::now(),
    })
}

fn new_community(input: CommunityInput) -> Result<Community> {
    Ok(Community {
        id: Uuid::now_v7(),
        name: single_line("name", &input.name, NAME_MAX, "a name")?,
        kind: input.kind,
        role: input.role,
        link: opt_url("link", input.link.as_deref())?,
        created_at: herlead_store::now(),
    })
}

/// Write operations of the social capital model. Each one re-evaluates the rules in the same
/// transaction, so tasks complete (or reopen) with the data.
#[derive(Debug, Default)]
pub struct SocialMutation;

#[Object]
impl SocialMutation {
    /// Changes her website, signature or audiences.
    async fn update_presence(
        &self,
        ctx: &Context<'_>,
        input: PresenceInput,
    ) -> Result<PresenceView> {
        let v = viewer(ctx)?;
        let s = store(ctx);
        let current = s.presence(v.user_id).await?;
        let website = patch(current.website, input.website, |w| {
            opt_url("website", Some(&w))
        })?;
        let email_signature = patch(current.email_signature, input.email_signature, |t| {
            signature(&t)
        })?;
        let audiences = match input.audiences {
            MaybeUndefined::Undefined => current.audiences,
            MaybeUndefined::Null => vec![],
            MaybeUndefined::Value(list) => {
                let mut unique = Vec::new();
                for a in list {
                    if !unique.contains(&a) {
                        unique.push(a);
                    }
                }
                unique
            }
        };
        let presence = s
            .save_presence(
                v.user_id,
                Presence {
                    website,
                    email_signature,
                    audiences,
                },
            )
            .await?;
        let profiles = s.profiles(v.user_id).await?;
        Ok(PresenceView { presence, profiles })
    }

    /// Adds a social profile. The same platform and handle twice is a CONFLICT.
    async fn add_profile(&self, ctx: &Context<'_>, input: ProfileInput) -> Result<ProfileView> {
        let v = viewer(ctx)?;
        let profile = new_profile(input)?;
        Ok(store(ctx).add_profile(v.user_id, profile).await?.into())
    }

    /// Changes one of her profiles.
    async fn update_profile(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: ProfileUpdateInput,
    ) -> Result<ProfileView> {
        let v = viewer(ctx)?;
        let id = parse_id("id", &id)?;
        let s = store(ctx);
        let not_found = || ApiError::not_found("profile", "id");
        let mut p = s.profile(v.user_id, id).await?.ok_or_else(not_found)?;
        if let Some(platform) = input.platform {
            p.platform = platform;
        }
        if let Some(handle) = input.handle {
            p.handle = Handle::parse("handle", &handle)?;
        }
        if let Some(url) = input.url {
            p.url = HttpUrl::parse("url", &url)?;
        }
        p.display_name = patch(p.display_name, input.display_name, |t| {
            optional_line("displayName", Some(&t), 80, "a name").map_err(ApiError::from)
        })?;
        p.tagline = patch(p.tagline, input.tagline, |t| {
            optional_line("tagline", Some(&t), TAGLINE_MAX_LEN, "a tagline").map_err(ApiError::from)
        })?;
        p.picture_url = patch(p.picture_url, input.picture_url, |u| {
            opt_url("pictureUrl", Some(&u))
        })?;
        p.website_link = patch(p.website_link, input.website_link, |u| {
            opt_url("websiteLink", Some(&u))
        })?;
        Ok(s.update_profile(v.user_id, p)
            .await?
            .ok_or_else(not_found)?
            .into())
    }

    /// Deletes one of her profiles; returns its id.
    async fn delete_profile(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        let v = viewer(ctx)?;
        let uuid = parse_id("id", &id)?;
        deleted(
            id,
            store(ctx).delete_profile(v.user_id, uuid).await?,
            "profile",
        )
    }

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
            c.name = single_line("name", &name, NAME_MAX, "a name")?;
        }
        c.sector = input.sector.unwrap_or(c.sector);
        c.scope = input.scope.unwrap_or(c.scope);
        c.industry = patch(c.industry, input.industry, |t| {
            optional_line("industry", Some(&t), INDUSTRY_MAX, "an industry").map_err(ApiError::from)
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
            c.name = single_line("name", &name, NAME_MAX, "a name")?;
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
