//! What the SDK returns: core's enums, exposed as they are, and records shaped like the
//! server's answers. Times are `SystemTime`s, which uniffi exports as timestamps
//! (`java.time.Instant` in Kotlin, `Date` in Swift, `datetime` in Python); they are RFC 3339 on
//! the wire only ([`rfc3339`]).

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

// Core's enums, exported as they are: core derives `uniffi::Enum` on them (its `uniffi`
// feature), so their docs and variants live in one place.
pub use herlead_core::{
    Audience, PlaybookStep, Role, TaskCompletion, TaskStatus,
    cohort::SharingLevel,
    community::{CommunityKind, CommunityRole},
    network::{InteractionKind, Scope, Sector, Stage, ValuesAlignment, WarningCode},
    presence::{FindingCode, Platform},
    recommend::{EntityKind, RecommendationCode},
};

/// The order of a cohort's member list on the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, uniffi::Enum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MemberSort {
    /// Stalled first, then least progress, then longest quiet (the default).
    AtRisk,
    /// Alphabetical by name.
    Name,
    /// Most progress first.
    Progress,
    /// Highest social capital first.
    Score,
    /// Most recent activity first.
    RecentActivity,
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
        #[serde(with = "rfc3339")]
        pub created_at: SystemTime,
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
        #[serde(default, with = "rfc3339::option")]
        pub updated_at: Option<SystemTime>,
        /// When it was completed.
        #[serde(default, with = "rfc3339::option")]
        pub completed_at: Option<SystemTime>,
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
        #[uniffi(default)]
        pub display_name: Option<String>,
        /// The tagline.
        #[uniffi(default)]
        pub tagline: Option<String>,
        /// The picture's address.
        #[uniffi(default)]
        pub picture_url: Option<String>,
        /// The website link shown.
        #[uniffi(default)]
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
        /// Sector; `None` until she classifies them (imported contacts).
        pub sector: Option<Sector>,
        /// Scope; `None` until she classifies them.
        pub scope: Option<Scope>,
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
        /// E-mail addresses.
        pub emails: Vec<String>,
        /// Company.
        pub company: Option<String>,
        /// Job title.
        pub job_title: Option<String>,
        /// Profile and web page addresses.
        pub links: Vec<String>,
        /// A sector her company or job title suggests while she has not set one.
        pub suggested_sector: Option<SectorSuggestion>,
        /// The stage she set herself, if any (`stage` is then this one).
        pub stage_override: Option<Stage>,
        /// Days between touches she wants with them; `None`: the playbook's default.
        pub cadence_days: Option<i32>,
        /// When they connected (`YYYY-MM-DD`).
        pub connected_on: Option<String>,
        /// When she added them.
        #[serde(with = "rfc3339")]
        pub created_at: SystemTime,
    }

    /// A sector suggested for an unclassified contact, with the words that suggested it.
    pub struct SectorSuggestion {
        /// The suggested sector.
        pub sector: Sector,
        /// The field the words were found in: `company` or `jobTitle`.
        pub field: String,
        /// The words, as written in that field.
        pub matched: String,
        /// The rule that matched (`UNIVERSITY`, `MINISTRY`, `NEWSPAPER`, …).
        pub rule: String,
    }

    /// A new contact. Only `name`, `sector` and `scope` are required; the rest default as the
    /// schema does.
    pub struct ContactInput {
        /// Name.
        pub name: String,
        /// Where they have influence.
        pub sector: Sector,
        /// How far their influence reaches.
        pub scope: Scope,
        /// Industry.
        #[uniffi(default)]
        pub industry: Option<String>,
        /// In her industry.
        #[uniffi(default)]
        pub in_her_industry: bool,
        /// On her meet list (people she wants to meet).
        #[uniffi(default)]
        pub on_meet_list: bool,
        /// A competitor.
        #[uniffi(default)]
        pub competitor: bool,
        /// Whether their values match hers (`None`: not checked yet, `Unknown`).
        #[uniffi(default)]
        #[serde(skip_serializing_if = "Option::is_none")]
        pub values: Option<ValuesAlignment>,
        /// Causes and interests.
        #[uniffi(default)]
        pub tags: Vec<String>,
        /// Profile and web page addresses.
        #[uniffi(default)]
        pub links: Vec<String>,
        /// The relationship stage, when she sets it herself (otherwise the rules derive it).
        #[uniffi(default)]
        pub stage: Option<Stage>,
        /// Days between touches she wants with them (otherwise the playbook's default).
        #[uniffi(default)]
        pub cadence_days: Option<i32>,
        /// E-mail addresses.
        #[uniffi(default)]
        pub emails: Vec<String>,
        /// Company.
        #[uniffi(default)]
        pub company: Option<String>,
        /// Job title.
        #[uniffi(default)]
        pub job_title: Option<String>,
        /// When they connected (`YYYY-MM-DD`).
        #[uniffi(default)]
        pub connected_on: Option<String>,
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
        #[serde(with = "rfc3339")]
        pub occurred_at: SystemTime,
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
        #[serde(with = "rfc3339")]
        pub occurred_at: SystemTime,
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
        #[serde(with = "rfc3339")]
        pub last_touch: SystemTime,
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
        #[serde(with = "rfc3339")]
        pub created_at: SystemTime,
        /// When it was read.
        #[serde(default, with = "rfc3339::option")]
        pub read_at: Option<SystemTime>,
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
        #[serde(with = "rfc3339")]
        pub last_activity: SystemTime,
        /// Quiet too long.
        pub stalled: bool,
        /// What she should do next.
        pub top_recommendation: Option<RecommendationCode>,
        /// When she joined.
        #[serde(with = "rfc3339")]
        pub joined_at: SystemTime,
        /// Her contacts (name, sector and stage, never notes), only when she shares them.
        pub contacts: Option<Vec<SharedContact>>,
    }

    /// One of a member's contacts, as her coach sees it when she shares contacts.
    pub struct SharedContact {
        /// Name.
        pub name: String,
        /// Sector; `None` while she has not classified them.
        pub sector: Option<Sector>,
        /// Relationship stage.
        pub stage: Stage,
    }

    /// Cohort-wide figures.
    pub struct CohortAggregates {
        /// Members.
        pub members: i32,
        /// Stalled members.
        pub stalled: i32,
        /// Mean score.
        pub score_average: f64,
        /// How many members are on each step (`step` `None`: finished the playbook).
        pub per_step: Vec<StepCount>,
        /// Mean of each sub-score.
        pub sub_score_averages: SubScoreAverages,
        /// Members per band of score.
        pub score_distribution: Vec<ScoreBucket>,
        /// For each playbook task, how many members finished it.
        pub task_completion: Vec<TaskCompletionRate>,
        /// For each sector, how many members have a contact in it.
        pub sector_coverage: Vec<SectorCoverage>,
    }

    /// How many members are on one step.
    pub struct StepCount {
        /// The step; `None` for members who finished the playbook.
        pub step: Option<PlaybookStep>,
        /// How many members.
        pub members: i32,
    }

    /// Mean sub-scores of a cohort.
    pub struct SubScoreAverages {
        /// Positioning online.
        pub presence: f64,
        /// Reach across sectors and scopes.
        pub reach: f64,
        /// Giving before asking.
        pub reciprocity: f64,
        /// Acting together.
        pub collective_action: f64,
    }

    /// A band of scores.
    pub struct ScoreBucket {
        /// Lower bound (inclusive).
        pub from: f64,
        /// Upper bound (exclusive; 100 is in the last band).
        pub to: f64,
        /// How many members.
        pub members: i32,
    }

    /// How many members finished one playbook task.
    pub struct TaskCompletionRate {
        /// The task.
        pub task_key: String,
        /// Members with it done.
        pub done: i32,
        /// Members for whom it counts (those who did not skip it).
        pub counted: i32,
        /// `done ÷ counted`.
        pub rate: f64,
    }

    /// How many members reach one sector.
    pub struct SectorCoverage {
        /// The sector.
        pub sector: Sector,
        /// Members with a contact in it.
        pub members: i32,
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

/// Times as the server writes and reads them: RFC 3339 text (`2026-03-01T09:30:00Z`), as
/// `SystemTime` inside the SDK. For `#[serde(with = "rfc3339")]`, and `rfc3339::option` for an
/// optional time.
pub(crate) mod rfc3339 {
    use std::time::{SystemTime, UNIX_EPOCH};

    use chrono::{DateTime, SecondsFormat, Utc};
    use serde::{Deserialize, Deserializer, Serializer, de, ser};

    /// `time` in RFC 3339, UTC, with the fractional digits it needs (none, 3, 6 or 9); none
    /// for a time RFC 3339 cannot write (outside the years 0 to 9999).
    pub(crate) fn format(time: SystemTime) -> Option<String> {
        let (seconds, nanos) = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => (i64::try_from(after.as_secs()).ok()?, after.subsec_nanos()),
            Err(before) => {
                let before = before.duration();
                let seconds = i64::try_from(before.as_secs()).ok()?;
                match before.subsec_nanos() {
                    0 => (-seconds, 0),
                    nanos => (-seconds - 1, 1_000_000_000 - nanos),
                }
            }
        };
        let time = DateTime::<Utc>::from_timestamp(seconds, nanos)?;
        (0..=9999)
            .contains(&chrono::Datelike::year(&time))
            .then(|| time.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }

    /// An RFC 3339 time, in any offset.
    pub(crate) fn parse(text: &str) -> Result<SystemTime, chrono::ParseError> {
        DateTime::parse_from_rfc3339(text).map(SystemTime::from)
    }

    pub(crate) fn serialize<S: Serializer>(time: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
        let text = format(*time).ok_or_else(|| {
            <S::Error as ser::Error>::custom("a time outside the years 0 to 9999")
        })?;
        s.serialize_str(&text)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SystemTime, D::Error> {
        let text = String::deserialize(d)?;
        parse(&text).map_err(|e| de::Error::custom(format_args!("time {text:?}: {e}")))
    }

    /// The same for `Option<SystemTime>`: `null` is none.
    pub(crate) mod option {
        use std::time::SystemTime;

        use serde::{Deserialize, Deserializer, Serializer};

        pub(crate) fn serialize<S: Serializer>(
            time: &Option<SystemTime>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match time {
                Some(time) => super::serialize(time, s),
                None => s.serialize_none(),
            }
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<SystemTime>, D::Error> {
            #[derive(Deserialize)]
            struct Time(#[serde(with = "super")] SystemTime);
            Ok(Option::<Time>::deserialize(d)?.map(|Time(time)| time))
        }
    }

    #[cfg(test)]
    mod tests {
        use std::time::{Duration, SystemTime, UNIX_EPOCH};

        use super::{format, parse};

        /// 2026-03-01T09:30:00Z.
        fn march_first() -> SystemTime {
            UNIX_EPOCH + Duration::from_secs(1_772_357_400)
        }

        #[test]
        fn test_times_read_and_write_as_rfc3339_in_utc() {
            assert_eq!(parse("2026-03-01T09:30:00Z"), Ok(march_first()));
            assert_eq!(parse("2026-03-01T10:30:00+01:00"), Ok(march_first()));
            assert_eq!(parse("2026-03-01T09:30:00.000+00:00"), Ok(march_first()));
            assert_eq!(
                format(march_first()).as_deref(),
                Some("2026-03-01T09:30:00Z")
            );
            let precise = march_first() + Duration::from_nanos(123_456_789);
            let text = format(precise).expect("in range");
            assert_eq!(text, "2026-03-01T09:30:00.123456789Z");
            assert_eq!(parse(&text), Ok(precise));
            let before_1970 = UNIX_EPOCH - Duration::from_millis(1_500);
            let text = format(before_1970).expect("in range");
            assert_eq!(text, "1969-12-31T23:59:58.500Z");
            assert_eq!(parse(&text), Ok(before_1970));
        }

        #[test]
        fn test_a_time_rfc3339_cannot_write_is_refused_not_mangled() {
            let year_10000 = UNIX_EPOCH + Duration::from_secs(253_402_300_800);
            assert_eq!(
                format(year_10000 - Duration::from_secs(1)).as_deref(),
                Some("9999-12-31T23:59:59Z")
            );
            assert_eq!(format(year_10000), None);
            assert_eq!(
                format(UNIX_EPOCH + Duration::from_secs(i64::MAX.unsigned_abs())),
                None
            );
            assert!(parse("2026-03-01 09:30").is_err());
            assert!(parse("").is_err());
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
