//! What the SDK returns: core's enums, exposed as they are, and records shaped like the
//! server's answers. Times are RFC 3339 strings.

use herlead_core as core;
use serde::{Deserialize, Serialize};

// Core's enums, exposed to foreign languages without mirror types (uniffi remote types).

/// One of the four steps of the playbook.
pub type PlaybookStep = core::PlaybookStep;
#[uniffi::remote(Enum)]
pub enum PlaybookStep {
    /// Step 1: a website, a signature and consistent profiles on the right channels.
    Position,
    /// Step 2: the leaders of her industry and of every sector, and a list of people to meet.
    BringTogether,
    /// Step 3: shared values, and giving before asking.
    Dialogue,
    /// Step 4: in-person meetings and real-world communities.
    ActCollectively,
}

/// How a task gets done.
pub type TaskCompletion = core::TaskCompletion;
#[uniffi::remote(Enum)]
pub enum TaskCompletion {
    /// Completes by itself from what she records (profiles, contacts, gives, meetings).
    Automatic,
    /// She marks it done herself.
    SelfReported,
}

/// Where a task stands.
pub type TaskStatus = core::TaskStatus;
#[uniffi::remote(Enum)]
pub enum TaskStatus {
    /// Nothing recorded yet.
    NotStarted,
    /// Under way.
    InProgress,
    /// Done.
    Done,
    /// Deliberately set aside; counts neither as done nor as open.
    Skipped,
}

/// What an account may do.
pub type Role = core::Role;
#[uniffi::remote(Enum)]
pub enum Role {
    /// A woman leader working through the playbook.
    Member,
    /// A coach who runs cohorts of members.
    Coach,
    /// Runs the service: grants and revokes the coach role.
    Admin,
}

/// An audience she speaks to.
pub type Audience = core::Audience;
#[uniffi::remote(Enum)]
pub enum Audience {
    /// Founders and people building companies.
    Entrepreneur,
    /// Designers, artists and other creative professionals.
    Creative,
    /// People working in or with government.
    PublicSector,
    /// People driving social and environmental change.
    GameChanger,
    /// Women's leadership networks.
    Women,
}

/// Where a profile lives.
pub type Platform = core::presence::Platform;
#[uniffi::remote(Enum)]
pub enum Platform {
    /// LinkedIn.
    Linkedin,
    /// X (formerly Twitter).
    X,
    /// Instagram.
    Instagram,
    /// Facebook.
    Facebook,
    /// TikTok.
    Tiktok,
    /// YouTube.
    Youtube,
    /// GitHub.
    Github,
    /// Medium.
    Medium,
    /// MicroMentor (entrepreneurs).
    Micromentor,
    /// AngelList (entrepreneurs).
    Angellist,
    /// Gust (entrepreneurs).
    Gust,
    /// SeedInvest (entrepreneurs).
    Seedinvest,
    /// ConnectAmericas (entrepreneurs).
    Connectamericas,
    /// Creative Mornings (creatives).
    CreativeMornings,
    /// Behance (creatives).
    Behance,
    /// nova (public sector).
    Nova,
    /// Shared Value Initiative (game changers).
    SharedValueInitiative,
    /// Global Citizen (game changers).
    GlobalCitizen,
    /// Horyou (game changers).
    Horyou,
    /// Lean In (women).
    LeanIn,
    /// Levo (women).
    Levo,
    /// Anywhere else.
    Other,
}

/// What a consistency finding is about.
pub type FindingCode = core::presence::FindingCode;
#[uniffi::remote(Enum)]
pub enum FindingCode {
    /// Profiles show different names.
    NameMismatch,
    /// Profiles show different pictures.
    PictureMismatch,
    /// Profiles show different taglines.
    TaglineMismatch,
    /// A profile links somewhere other than her website (or the others' common link).
    WebsiteLinkMismatch,
    /// A profile has no website link.
    MissingWebsiteLink,
    /// Her email signature does not link a profile (or she has no signature).
    SignatureMissingProfile,
    /// A tagline too long to take in within a few seconds.
    TaglineTooLong,
}

/// Where a contact has influence.
pub type Sector = core::network::Sector;
#[uniffi::remote(Enum)]
pub enum Sector {
    /// Government and public institutions.
    Public,
    /// Companies.
    Private,
    /// Universities and research.
    Academia,
    /// Nonprofits and NGOs.
    Nonprofit,
    /// Journalists, editors, media outlets.
    Media,
}

/// How far a contact's influence reaches.
pub type Scope = core::network::Scope;
#[uniffi::remote(Enum)]
pub enum Scope {
    /// Her city.
    City,
    /// Her country.
    Country,
    /// The world.
    Global,
}

/// Whether a contact's values meet hers.
pub type ValuesAlignment = core::network::ValuesAlignment;
#[uniffi::remote(Enum)]
pub enum ValuesAlignment {
    /// Not checked yet.
    Unknown,
    /// They share her values.
    Aligned,
    /// They do not.
    NotAligned,
}

/// How far a relationship has come.
pub type Stage = core::network::Stage;
#[uniffi::remote(Enum)]
pub enum Stage {
    /// On her radar; nothing logged yet.
    Identified,
    /// Connected online (a CONNECTED interaction, or any interaction at all).
    Connected,
    /// She has given to them at least once.
    Engaged,
    /// Value flows both ways: she gave, then asked.
    Reciprocating,
    /// They have met in person (a MET_IN_PERSON interaction or a meeting attended together).
    Met,
    /// They have met in person and exchange value both ways.
    Collaborating,
}

/// Something she did with or for a contact.
pub type InteractionKind = core::network::InteractionKind;
#[uniffi::remote(Enum)]
pub enum InteractionKind {
    /// Give: shared one of their posts.
    SharedPost,
    /// Give: advocated a cause they care about.
    AdvocatedCause,
    /// Give: shared an event or invitation of theirs.
    SharedEvent,
    /// Give: shared an article or blog they wrote.
    SharedArticle,
    /// Give: endorsed them (for instance on LinkedIn).
    Endorsed,
    /// Give: reviewed their business online.
    Reviewed,
    /// Give: introduced them to someone.
    Introduced,
    /// Ask: asked for an introduction.
    AskedIntro,
    /// Ask: asked for help.
    AskedHelp,
    /// Ask: asked for an endorsement.
    AskedEndorsement,
    /// Ask: any other request.
    AskedOther,
    /// Connected online.
    Connected,
    /// Met in person.
    MetInPerson,
}

/// What an ask may warn about.
pub type WarningCode = core::network::WarningCode;
#[uniffi::remote(Enum)]
pub enum WarningCode {
    /// She asked before ever giving to this person.
    GiveFirst,
    /// She asked before checking that their values align.
    ValuesUnknown,
}

/// Where a community gathers.
pub type CommunityKind = core::community::CommunityKind;
#[uniffi::remote(Enum)]
pub enum CommunityKind {
    /// Online only.
    Online,
    /// In person.
    InPerson,
    /// Both.
    Hybrid,
}

/// Her role in a community.
pub type CommunityRole = core::community::CommunityRole;
#[uniffi::remote(Enum)]
pub enum CommunityRole {
    /// Takes part.
    Member,
    /// Contributes regularly.
    Contributor,
    /// Runs it.
    Organizer,
}

/// What she shares with a cohort's coaches.
pub type SharingLevel = core::cohort::SharingLevel;
#[uniffi::remote(Enum)]
pub enum SharingLevel {
    /// Task statuses, step progress, score and sub-scores, last activity.
    Progress,
    /// All of that, plus her contacts' names, sectors and stages.
    ProgressAndContacts,
}

/// What a recommendation asks her to do.
pub type RecommendationCode = core::recommend::RecommendationCode;
#[uniffi::remote(Enum)]
pub enum RecommendationCode {
    /// Record her website.
    AddWebsite,
    /// Write an email signature.
    WriteSignature,
    /// Link a profile from her signature.
    LinkProfileInSignature,
    /// Add another social profile.
    AddProfile,
    /// Fix an inconsistency on a profile.
    FixProfile,
    /// Choose the audiences she speaks to.
    ChooseAudiences,
    /// Open a profile on a channel made for her audience.
    JoinChannel,
    /// Find more top people of her industry in her city.
    FindTopCity,
    /// … in her country.
    FindTopCountry,
    /// … worldwide.
    FindTopGlobal,
    /// Add an influencer in a sector she lacks.
    AddSector,
    /// Put more people on her meet list.
    GrowMeetList,
    /// Her meet list is longer than 20.
    TrimMeetList,
    /// Connect with a meet-list contact.
    Connect,
    /// Check values alignment with a contact.
    CheckValues,
    /// Give to someone she asked before giving.
    GiveBeforeAsking,
    /// Give to a meet-list contact she has not given to.
    Give,
    /// Endorse a competitor.
    EndorseCompetitor,
    /// Hold an in-person meeting of an online community.
    MeetInPerson,
    /// Join or revive communities until five meet in person.
    JoinCommunity,
    /// Reconnect with an overdue contact.
    Reconnect,
}

/// What a recommendation concerns.
pub type EntityKind = core::recommend::EntityKind;
#[uniffi::remote(Enum)]
pub enum EntityKind {
    /// One of her social profiles.
    Profile,
    /// One of her contacts.
    Contact,
    /// One of her communities.
    Community,
}

macro_rules! records {
    ($($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident: $ty:ty,)* })*) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
            #[serde(rename_all = "camelCase")]
            pub struct $name { $($(#[$fmeta])* pub $field: $ty,)* }
        )*
    };
}

records! {
    /// A HerLead account.
    pub struct User {
        /// Stable id.
        pub id: String,
        /// Lower-cased email.
        pub email: String,
        /// The name shown in the app.
        pub display_name: String,
        /// What she may do.
        pub role: Role,
        /// When the account was created.
        pub created_at: String,
    }

    /// One thing to do in the playbook.
    pub struct Task {
        /// Stable key such as `position.website`.
        pub key: String,
        /// Its step.
        pub step: PlaybookStep,
        /// Short title.
        pub title: String,
        /// What to do and why.
        pub guidance: String,
        /// How it gets done.
        pub completion: TaskCompletion,
        /// The number to reach, if any.
        pub target: Option<i32>,
        /// The upper end of a target range, if any.
        pub target_max: Option<i32>,
    }

    /// One of the four steps.
    pub struct Step {
        /// Which step.
        pub key: PlaybookStep,
        /// 1 to 4.
        pub number: i32,
        /// Short title.
        pub title: String,
        /// What the step achieves.
        pub summary: String,
        /// Its tasks, in order.
        pub tasks: Vec<Task>,
    }

    /// The playbook.
    pub struct Playbook {
        /// Content version.
        pub version: String,
        /// The four steps.
        pub steps: Vec<Step>,
    }

    /// The key of a task, inside progress answers.
    pub struct TaskRef {
        /// The task's key.
        pub key: String,
    }

    /// Where one task stands.
    pub struct TaskProgress {
        /// The task.
        pub task: TaskRef,
        /// Its status.
        pub status: TaskStatus,
        /// Her note.
        pub note: Option<String>,
        /// When it last changed.
        pub updated_at: Option<String>,
        /// When it was completed.
        pub completed_at: Option<String>,
    }

    /// Progress through one step.
    pub struct StepProgress {
        /// Which step.
        pub step: PlaybookStep,
        /// Tasks done.
        pub done: i32,
        /// Tasks that count (not skipped).
        pub total: i32,
        /// 0 to 100.
        pub percent: i32,
        /// Each task.
        pub tasks: Vec<TaskProgress>,
    }

    /// Progress through the playbook.
    pub struct Progress {
        /// 0 to 100.
        pub percent: i32,
        /// The first step with open tasks; none when finished.
        pub current_step: Option<PlaybookStep>,
        /// The four steps.
        pub steps: Vec<StepProgress>,
    }

    /// One of her social profiles.
    pub struct Profile {
        /// Stable id.
        pub id: String,
        /// Where it lives.
        pub platform: Platform,
        /// Her handle there.
        pub handle: String,
        /// Its address.
        pub url: String,
        /// The name shown.
        pub display_name: Option<String>,
        /// The tagline.
        pub tagline: Option<String>,
        /// The picture's address.
        pub picture_url: Option<String>,
        /// The website link shown.
        pub website_link: Option<String>,
    }

    /// A new profile.
    pub struct ProfileInput {
        /// Where it lives.
        pub platform: Platform,
        /// Her handle there.
        pub handle: String,
        /// Its address.
        pub url: String,
        /// The name shown.
        pub display_name: Option<String>,
        /// The tagline.
        pub tagline: Option<String>,
        /// The picture's address.
        pub picture_url: Option<String>,
        /// The website link shown.
        pub website_link: Option<String>,
    }

    /// Something to fix so every profile tells the same story.
    pub struct ConsistencyFinding {
        /// What kind of problem.
        pub code: FindingCode,
        /// The profiles involved.
        pub profile_ids: Vec<String>,
        /// How to fix it.
        pub fix: String,
    }

    /// Her website, signature, audiences and profiles.
    pub struct Presence {
        /// Her website.
        pub website: Option<String>,
        /// Her email signature.
        pub email_signature: Option<String>,
        /// Her audiences.
        pub audiences: Vec<Audience>,
        /// Her profiles.
        pub profiles: Vec<Profile>,
        /// What to fix.
        pub findings: Vec<ConsistencyFinding>,
    }

    /// A person in her network.
    pub struct Contact {
        /// Stable id.
        pub id: String,
        /// Name.
        pub name: String,
        /// Sector.
        pub sector: Sector,
        /// Scope.
        pub scope: Scope,
        /// Industry.
        pub industry: Option<String>,
        /// In her industry.
        pub in_her_industry: bool,
        /// On her meet list.
        pub on_meet_list: bool,
        /// A competitor.
        pub competitor: bool,
        /// Values alignment.
        pub values: ValuesAlignment,
        /// Causes and interests.
        pub tags: Vec<String>,
        /// Relationship stage.
        pub stage: Stage,
    }

    /// A new contact.
    pub struct ContactInput {
        /// Name.
        pub name: String,
        /// Sector.
        pub sector: Sector,
        /// Scope.
        pub scope: Scope,
        /// Industry.
        pub industry: Option<String>,
        /// In her industry.
        pub in_her_industry: bool,
        /// On her meet list.
        pub on_meet_list: bool,
        /// A competitor.
        pub competitor: bool,
        /// Values alignment.
        pub values: ValuesAlignment,
        /// Causes and interests.
        pub tags: Vec<String>,
    }

    /// One page of contacts.
    pub struct ContactPage {
        /// The contacts.
        pub contacts: Vec<Contact>,
        /// Pass as `after` for the next page.
        pub end_cursor: Option<String>,
        /// More after this page.
        pub has_next_page: bool,
        /// All contacts matching.
        pub total_count: i64,
    }

    /// A logged interaction.
    pub struct Interaction {
        /// Stable id.
        pub id: String,
        /// With whom.
        pub contact_id: String,
        /// What happened.
        pub kind: InteractionKind,
        /// A give.
        pub is_give: bool,
        /// An ask.
        pub is_ask: bool,
        /// When.
        pub occurred_at: String,
        /// Her note.
        pub note: Option<String>,
    }

    /// A heads-up about an ask.
    pub struct Warning {
        /// What to look at.
        pub code: WarningCode,
        /// Why it matters.
        pub message: String,
    }

    /// The logged interaction and its warnings.
    pub struct LoggedInteraction {
        /// What was recorded.
        pub interaction: Interaction,
        /// Warnings for asks.
        pub warnings: Vec<Warning>,
    }

    /// A meeting of a community.
    pub struct Meeting {
        /// Stable id.
        pub id: String,
        /// The community.
        pub community_id: String,
        /// When.
        pub occurred_at: String,
        /// Face to face.
        pub in_person: bool,
        /// Contacts who came.
        pub attendee_ids: Vec<String>,
    }

    /// A community she belongs to.
    pub struct Community {
        /// Stable id.
        pub id: String,
        /// Name.
        pub name: String,
        /// Where it gathers.
        pub kind: CommunityKind,
        /// Her role.
        pub role: CommunityRole,
        /// Its page.
        pub link: Option<String>,
        /// Met in person in the last 12 months.
        pub real_world: bool,
        /// Its meetings.
        pub meetings: Vec<Meeting>,
    }

    /// What a recommendation concerns.
    pub struct EntityRef {
        /// A profile, contact or community.
        pub kind: EntityKind,
        /// Its id.
        pub id: String,
    }

    /// A next best action.
    pub struct Recommendation {
        /// What to do.
        pub code: RecommendationCode,
        /// The action in a sentence.
        pub message: String,
        /// The task it advances.
        pub task_key: String,
        /// What it concerns.
        pub entity: Option<EntityRef>,
    }

    /// One ingredient of a sub-score.
    pub struct ScoreFactor {
        /// Stable name.
        pub name: String,
        /// 0 to 1.
        pub value: f64,
        /// Points at 1.
        pub weight: f64,
        /// Points earned.
        pub points: f64,
        /// Why.
        pub explanation: String,
    }

    /// One of four sub-scores.
    pub struct SubScore {
        /// 0 to 25.
        pub score: f64,
        /// What made it.
        pub factors: Vec<ScoreFactor>,
    }

    /// Her social capital.
    pub struct SocialCapital {
        /// 0 to 100.
        pub total: f64,
        /// Step 1.
        pub presence: SubScore,
        /// Step 2.
        pub reach: SubScore,
        /// Step 3.
        pub reciprocity: SubScore,
        /// Step 4.
        pub collective_action: SubScore,
    }

    /// A contact, as named in the reconnect list.
    pub struct ContactName {
        /// Stable id.
        pub id: String,
        /// Name.
        pub name: String,
    }

    /// A contact due for a touch.
    pub struct Reconnect {
        /// Who.
        pub contact: ContactName,
        /// The last touch.
        pub last_touch: String,
        /// Days between touches.
        pub cadence_days: i32,
        /// Days past due.
        pub overdue_days: i32,
    }

    /// A cohort she belongs to.
    pub struct MemberCohort {
        /// Stable id.
        pub id: String,
        /// Name.
        pub name: String,
        /// What she shares.
        pub sharing: SharingLevel,
    }

    /// A coach's message.
    pub struct Nudge {
        /// Stable id.
        pub id: String,
        /// The cohort.
        pub cohort_id: String,
        /// The member it was sent to.
        pub member_id: String,
        /// The message.
        pub message: String,
        /// The task it points to.
        pub task_key: Option<String>,
        /// When it was sent.
        pub created_at: String,
        /// When it was read.
        pub read_at: Option<String>,
    }

    /// A member's score, as her coach sees it.
    pub struct ScoreTotal {
        /// 0 to 100.
        pub total: f64,
    }

    /// A member's progress, as her coach sees it.
    pub struct ProgressSummary {
        /// 0 to 100.
        pub percent: i32,
        /// Her current step.
        pub current_step: Option<PlaybookStep>,
    }

    /// One member on a coach's dashboard.
    pub struct CohortMember {
        /// Her id.
        pub id: String,
        /// Her name.
        pub display_name: String,
        /// What she shares.
        pub sharing: SharingLevel,
        /// Her progress.
        pub progress: ProgressSummary,
        /// Her score.
        pub score: ScoreTotal,
        /// Her last activity.
        pub last_activity: String,
        /// Quiet too long.
        pub stalled: bool,
        /// What she should do next.
        pub top_recommendation: Option<RecommendationCode>,
    }

    /// Cohort-wide figures.
    pub struct CohortAggregates {
        /// Members.
        pub members: i32,
        /// Stalled members.
        pub stalled: i32,
        /// Mean score.
        pub score_average: f64,
    }

    /// A page of a coach's dashboard.
    pub struct CohortDashboard {
        /// Cohort id.
        pub id: String,
        /// Cohort name.
        pub name: String,
        /// The invite code.
        pub invite_code: String,
        /// Members, most at risk first.
        pub members: Vec<CohortMember>,
        /// Pass as `after` for the next page.
        pub end_cursor: Option<String>,
        /// More after this page.
        pub has_next_page: bool,
        /// Cohort-wide figures.
        pub aggregates: CohortAggregates,
    }

    /// How the client talks to the server.
    pub struct ClientOptions {
        /// Seconds before a request is abandoned.
        pub timeout_seconds: u32,
        /// The `User-Agent` header.
        pub user_agent: String,
    }
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            timeout_seconds: 30,
            user_agent: format!("herlead-sdk/{}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// Tokens a [`crate::TokenStore`] keeps between launches. `Debug` never shows them.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct StoredTokens {
    /// The short-lived access token.
    pub access_token: String,
    /// The single-use refresh token.
    pub refresh_token: String,
}

impl std::fmt::Debug for StoredTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoredTokens(***)")
    }
}
