//! Every GraphQL document the SDK sends, each with its variables and its answer as serde
//! types: the client fills one and reads the other, with no JSON built or indexed by hand. A
//! test validates each document against `schema/schema.graphql`, so a schema change that
//! breaks the SDK fails the build's tests, not a phone.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::types::{
    Audience, CohortAggregates, CohortMember, Community, CommunityKind, CommunityRole, Contact,
    Interaction, InteractionKind, LoggedInteraction, Meeting, MemberCohort, MemberSort, Nudge,
    Playbook, Presence, Profile, Progress, Recommendation, Reconnect, SharingLevel, SocialCapital,
    TaskProgress, TaskStatus, User, rfc3339,
};

/// The fields of a `Contact` the SDK reads, for every document that answers contacts.
macro_rules! contact_fields {
    () => {
        "id name sector scope industry inHerIndustry onMeetList competitor values tags stage \
         stageOverride cadenceDays emails company jobTitle connectedOn links createdAt \
         suggestedSector { sector field matched rule }"
    };
}
pub(crate) use contact_fields;

pub(crate) const REGISTER: &str = "mutation Register($i: RegisterInput!) { register(input: $i) }";
pub(crate) const LOGIN: &str = "mutation Login($i: LoginInput!) { login(input: $i) { accessToken refreshToken user { id email displayName role createdAt } } }";
pub(crate) const REFRESH: &str = "mutation Refresh($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken user { id } } }";
pub(crate) const LOGOUT: &str = "mutation Logout($t: String!) { logout(refreshToken: $t) }";
pub(crate) const ME: &str = "query Me { me { id email displayName role createdAt } }";
pub(crate) const PLAYBOOK: &str = "query Playbook { playbook { version steps { key number title summary tasks { key step title guidance completion target targetMax } } } }";
pub(crate) const PROGRESS: &str = "query MyProgress { myProgress { percent currentStep steps { step done total percent tasks { task { key } status note updatedAt completedAt } } } }";
pub(crate) const SET_TASK_STATUS: &str = "mutation SetTaskStatus($i: SetTaskStatusInput!) { setTaskStatus(input: $i) { task { key } status note updatedAt completedAt } }";
pub(crate) const PRESENCE: &str = "query Presence { presence { website emailSignature audiences profiles { id platform handle url displayName tagline pictureUrl websiteLink } findings { code profileIds fix } } }";
pub(crate) const UPDATE_PRESENCE: &str = "mutation UpdatePresence($i: PresenceInput!) { updatePresence(input: $i) { website emailSignature audiences profiles { id platform handle url displayName tagline pictureUrl websiteLink } findings { code profileIds fix } } }";
pub(crate) const ADD_PROFILE: &str = "mutation AddProfile($i: ProfileInput!) { addProfile(input: $i) { id platform handle url displayName tagline pictureUrl websiteLink } }";
pub(crate) const ADD_CONTACT: &str = concat!(
    "mutation AddContact($i: ContactInput!) { addContact(input: $i) { ",
    contact_fields!(),
    " } }"
);
pub(crate) const DELETE_CONTACT: &str = "mutation DeleteContact($id: ID!) { deleteContact(id: $id) { id deletedInteractions removedFromMeetings } }";
pub(crate) const LOG_INTERACTION: &str = "mutation LogInteraction($i: LogInteractionInput!) { logInteraction(input: $i) { interaction { id contactId kind isGive isAsk occurredAt note } warnings { code message } } }";
pub(crate) const INTERACTIONS: &str = "query Interactions($contact: ID) { interactions(contactId: $contact) { id contactId kind isGive isAsk occurredAt note } }";
pub(crate) const COMMUNITIES: &str = "query Communities { communities { id name kind role link realWorld meetings { id communityId occurredAt inPerson attendeeIds } } }";
pub(crate) const ADD_COMMUNITY: &str = "mutation AddCommunity($i: CommunityInput!) { addCommunity(input: $i) { id name kind role link realWorld meetings { id communityId occurredAt inPerson attendeeIds } } }";
pub(crate) const LOG_MEETING: &str = "mutation LogMeeting($i: LogMeetingInput!) { logMeeting(input: $i) { id communityId occurredAt inPerson attendeeIds } }";
pub(crate) const RECOMMENDATIONS: &str = "query Recommendations($first: Int!) { recommendations(first: $first) { code message taskKey entity { kind id } } }";
pub(crate) const SOCIAL_CAPITAL: &str = "query SocialCapital { socialCapital { total presence { score factors { name value weight points explanation } } reach { score factors { name value weight points explanation } } reciprocity { score factors { name value weight points explanation } } collectiveAction { score factors { name value weight points explanation } } } }";
pub(crate) const DUE_TO_RECONNECT: &str = "query DueToReconnect($first: Int!) { dueToReconnect(first: $first) { contact { id name } lastTouch cadenceDays overdueDays } }";
pub(crate) const MY_COHORTS: &str = "query MyCohorts { myCohorts { id name sharing } }";
pub(crate) const JOIN_COHORT: &str = "mutation JoinCohort($code: String!, $sharing: SharingLevel!) { joinCohort(code: $code, sharing: $sharing) { id name sharing } }";
pub(crate) const LEAVE_COHORT: &str =
    "mutation LeaveCohort($id: ID!) { leaveCohort(cohortId: $id) }";
pub(crate) const SET_SHARING: &str = "mutation SetSharing($id: ID!, $sharing: SharingLevel!) { setSharing(cohortId: $id, sharing: $sharing) }";
pub(crate) const MY_NUDGES: &str = "query MyNudges($unread: Boolean!) { myNudges(unreadOnly: $unread) { id cohortId memberId message taskKey createdAt readAt } }";
pub(crate) const MARK_NUDGE_READ: &str = "mutation MarkNudgeRead($id: ID!) { markNudgeRead(id: $id) { id cohortId memberId message taskKey createdAt readAt } }";
pub(crate) const COHORT_DASHBOARD: &str = "query CohortDashboard($id: ID!, $first: Int, $after: String, $sort: MemberSort! = AT_RISK) { cohort(id: $id) { id name inviteCode members(first: $first, after: $after, sort: $sort) { pageInfo { hasNextPage endCursor } edges { node { id displayName sharing joinedAt progress { percent currentStep } score { total } lastActivity stalled topRecommendation contacts { name sector stage } } } } aggregates { members stalled scoreAverage perStep { step members } subScoreAverages { presence reach reciprocity collectiveAction } scoreDistribution { from to members } taskCompletion { taskKey done counted rate } sectorCoverage { sector members } } } }";
pub(crate) const SEND_NUDGE: &str = "mutation SendNudge($i: NudgeInput!) { sendNudge(input: $i) { id cohortId memberId message taskKey createdAt readAt } }";

/// Every document, by name, for the schema check.
pub const ALL: &[(&str, &str)] = &[
    ("REGISTER", REGISTER),
    ("LOGIN", LOGIN),
    ("REFRESH", REFRESH),
    ("LOGOUT", LOGOUT),
    ("ME", ME),
    ("PLAYBOOK", PLAYBOOK),
    ("PROGRESS", PROGRESS),
    ("SET_TASK_STATUS", SET_TASK_STATUS),
    ("PRESENCE", PRESENCE),
    ("UPDATE_PRESENCE", UPDATE_PRESENCE),
    ("ADD_PROFILE", ADD_PROFILE),
    ("CONTACTS", crate::network::CONTACTS),
    ("ADD_CONTACT", ADD_CONTACT),
    ("DELETE_CONTACT", DELETE_CONTACT),
    ("LOG_INTERACTION", LOG_INTERACTION),
    ("INTERACTIONS", INTERACTIONS),
    ("COMMUNITIES", COMMUNITIES),
    ("ADD_COMMUNITY", ADD_COMMUNITY),
    ("LOG_MEETING", LOG_MEETING),
    ("RECOMMENDATIONS", RECOMMENDATIONS),
    ("SOCIAL_CAPITAL", SOCIAL_CAPITAL),
    ("DUE_TO_RECONNECT", DUE_TO_RECONNECT),
    ("MY_COHORTS", MY_COHORTS),
    ("JOIN_COHORT", JOIN_COHORT),
    ("LEAVE_COHORT", LEAVE_COHORT),
    ("SET_SHARING", SET_SHARING),
    ("MY_NUDGES", MY_NUDGES),
    ("MARK_NUDGE_READ", MARK_NUDGE_READ),
    ("COHORT_DASHBOARD", COHORT_DASHBOARD),
    ("SEND_NUDGE", SEND_NUDGE),
    ("PREVIEW_IMPORT", crate::imports::PREVIEW_IMPORT),
    ("IMPORT_PREVIEW", crate::imports::IMPORT_PREVIEW),
    ("CONFIRM_IMPORT", crate::imports::CONFIRM_IMPORT),
    ("UNDO_IMPORT", crate::imports::UNDO_IMPORT),
    ("DISCARD_IMPORT", crate::imports::DISCARD_IMPORT),
    ("IMPORTS", crate::imports::IMPORTS),
    ("CLASSIFY_CONTACTS", crate::imports::CLASSIFY_CONTACTS),
    ("EXPORT_MY_DATA", crate::imports::EXPORT_MY_DATA),
    ("NUDGES_LIVE", crate::live::NUDGES_LIVE),
    ("UNREAD_NUDGES", crate::live::UNREAD_NUDGES),
    ("COHORT_ACTIVITY_LIVE", crate::live::COHORT_ACTIVITY_LIVE),
    ("CONTACT", crate::network::CONTACT),
    ("UPDATE_CONTACT", crate::network::UPDATE_CONTACT),
    ("UPDATE_PROFILE", crate::network::UPDATE_PROFILE),
    ("DELETE_PROFILE", crate::network::DELETE_PROFILE),
    ("DELETE_INTERACTION", crate::network::DELETE_INTERACTION),
    ("UPDATE_COMMUNITY", crate::network::UPDATE_COMMUNITY),
    ("DELETE_COMMUNITY", crate::network::DELETE_COMMUNITY),
    ("DELETE_MEETING", crate::network::DELETE_MEETING),
    ("CHANNELS", crate::network::CHANNELS),
    ("CREATE_COHORT", crate::coaching::CREATE_COHORT),
    ("UPDATE_COHORT", crate::coaching::UPDATE_COHORT),
    ("COACHED_COHORTS", crate::coaching::COACHED_COHORTS),
    ("COHORT", crate::coaching::COHORT),
    ("ROTATE_INVITE_CODE", crate::coaching::ROTATE_INVITE_CODE),
    ("ADD_CO_COACH", crate::coaching::ADD_CO_COACH),
    ("REMOVE_MEMBER", crate::coaching::REMOVE_MEMBER),
    ("ADD_COHORT_TASK", crate::coaching::ADD_COHORT_TASK),
    ("NUDGE_STALLED", crate::coaching::NUDGE_STALLED),
    ("MY_COHORT_TASKS", crate::coaching::MY_COHORT_TASKS),
    (
        "SET_COHORT_TASK_STATUS",
        crate::coaching::SET_COHORT_TASK_STATUS,
    ),
    ("CHANGE_PASSWORD", crate::account::CHANGE_PASSWORD),
    ("SIGN_OUT_EVERYWHERE", crate::account::SIGN_OUT_EVERYWHERE),
    ("UPDATE_DISPLAY_NAME", crate::account::UPDATE_DISPLAY_NAME),
    ("DELETE_ACCOUNT", crate::account::DELETE_ACCOUNT),
    ("CALENDAR_FEED", crate::account::CALENDAR_FEED),
    ("ENABLE_CALENDAR_FEED", crate::account::ENABLE_CALENDAR_FEED),
    ("ROTATE_CALENDAR_FEED", crate::account::ROTATE_CALENDAR_FEED),
    (
        "DISABLE_CALENDAR_FEED",
        crate::account::DISABLE_CALENDAR_FEED,
    ),
    ("PROGRESS_HISTORY", crate::account::PROGRESS_HISTORY),
];

// Variables. Field names are the documents' `$variables`; input objects are camelCase like the
// schema's.

/// For the operations that take no variables (sent as `{}`).
#[derive(Debug, Serialize)]
pub(crate) struct NoVars {}

/// `$i`: the operation's input object.
#[derive(Debug, Serialize)]
pub(crate) struct InputVars<I> {
    pub i: I,
}

/// `$t`: a refresh token (REFRESH, LOGOUT).
#[derive(Debug, Serialize)]
pub(crate) struct TokenVars {
    pub t: String,
}

/// `$id`: one thing's id (DELETE_CONTACT, LEAVE_COHORT, MARK_NUDGE_READ).
#[derive(Debug, Serialize)]
pub(crate) struct IdVars {
    pub id: String,
}

/// `$first` (RECOMMENDATIONS, DUE_TO_RECONNECT).
#[derive(Debug, Serialize)]
pub(crate) struct FirstVars {
    pub first: i32,
}

/// REGISTER's `RegisterInput`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RegisterInput {
    pub email: String,
    pub password: String,
    pub display_name: String,
}

/// LOGIN's `LoginInput`.
#[derive(Debug, Serialize)]
pub(crate) struct LoginInput {
    pub email: String,
    pub password: String,
}

/// SET_TASK_STATUS's `SetTaskStatusInput`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SetTaskStatusInput {
    pub task_key: String,
    pub status: TaskStatus,
    pub note: Option<String>,
}

/// UPDATE_PRESENCE's `PresenceInput`: a field left out keeps its value, so `None` is not sent.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PresenceInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_signature: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audiences: Option<Vec<Audience>>,
}

/// COHORT_DASHBOARD's cohort and page: `$id`, `$first` and `$after`.
#[derive(Debug, Serialize)]
pub(crate) struct CohortPageVars {
    pub id: String,
    pub first: i32,
    pub after: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<MemberSort>,
}

/// LOG_INTERACTION's `LogInteractionInput`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LogInteractionInput {
    pub contact_id: String,
    pub kind: InteractionKind,
    #[serde(with = "rfc3339::option")]
    pub occurred_at: Option<SystemTime>,
    pub note: Option<String>,
}

/// INTERACTIONS's `$contact`.
#[derive(Debug, Serialize)]
pub(crate) struct InteractionsVars {
    pub contact: Option<String>,
}

/// ADD_COMMUNITY's `CommunityInput`.
#[derive(Debug, Serialize)]
pub(crate) struct CommunityInput {
    pub name: String,
    pub kind: CommunityKind,
    pub role: CommunityRole,
    pub link: Option<String>,
}

/// LOG_MEETING's `LogMeetingInput`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LogMeetingInput {
    pub community_id: String,
    #[serde(with = "rfc3339")]
    pub occurred_at: SystemTime,
    pub in_person: bool,
    pub attendee_ids: Vec<String>,
}

/// JOIN_COHORT's `$code` and `$sharing`.
#[derive(Debug, Serialize)]
pub(crate) struct JoinCohortVars {
    pub code: String,
    pub sharing: SharingLevel,
}

/// SET_SHARING's `$id` and `$sharing`.
#[derive(Debug, Serialize)]
pub(crate) struct SetSharingVars {
    pub id: String,
    pub sharing: SharingLevel,
}

/// MY_NUDGES's `$unread`.
#[derive(Debug, Serialize)]
pub(crate) struct MyNudgesVars {
    pub unread: bool,
}

/// SEND_NUDGE's `NudgeInput`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NudgeInput {
    pub cohort_id: String,
    pub member_id: String,
    pub message: String,
    pub task_key: Option<String>,
}

// Answers: each operation's `data`, by its root field. REGISTER, LOGOUT, LEAVE_COHORT and
// SET_SHARING have none here: the client does not read them (`serde::de::IgnoredAny`).

/// LOGIN's `AuthPayload`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AuthPayload {
    pub access_token: String,
    pub refresh_token: String,
    pub user: User,
}

/// REFRESH's `AuthPayload` (its `user` is only asked for its id, and not read).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RefreshedTokens {
    pub access_token: String,
    pub refresh_token: String,
}

/// A Relay page's `pageInfo`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

/// A Relay edge.
#[derive(Debug, Deserialize)]
pub(crate) struct Edge<T> {
    pub node: T,
}

/// CONTACTS's `ContactConnection`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ContactConnection {
    pub total_count: i64,
    pub page_info: PageInfo,
    pub edges: Vec<Edge<Contact>>,
}

/// DELETE_CONTACT's `DeleteContactPayload` (the fields the SDK reads).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DeleteContactPayload {
    pub deleted_interactions: i64,
}

/// COHORT_DASHBOARD's members page.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CohortMemberConnection {
    pub page_info: PageInfo,
    pub edges: Vec<Edge<CohortMember>>,
}

/// COHORT_DASHBOARD's `Cohort`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DashboardCohort {
    pub id: String,
    pub name: String,
    pub invite_code: String,
    pub members: CohortMemberConnection,
    pub aggregates: CohortAggregates,
}

/// The `data` of an operation with one root field, whatever its name: `{"cohort": {…}}` read
/// as `Root(cohort)`. For the operations whose answer needs no struct of its own.
#[derive(Debug)]
pub(crate) struct Root<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Root<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Visit<T> {
            type Value = Root<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an answer with one root field")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Root<T>, A::Error> {
                let Some((_, value)) = map.next_entry::<serde::de::IgnoredAny, T>()? else {
                    return Err(serde::de::Error::invalid_length(0, &self));
                };
                if map.next_key::<serde::de::IgnoredAny>()?.is_some() {
                    return Err(serde::de::Error::invalid_length(2, &self));
                }
                Ok(Root(value))
            }
        }
        d.deserialize_map(Visit(std::marker::PhantomData))
    }
}

/// The `data` of an operation whose root field is `$field` (in the schema's camelCase), as a
/// struct named `$name` with one field `$rust: $ty`.
macro_rules! answers {
    ($($(#[$meta:meta])* $name:ident { $field:literal: $rust:ident: $ty:ty })*) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Deserialize)]
            pub(crate) struct $name {
                #[serde(rename = $field)]
                pub $rust: $ty,
            }
        )*
    };
}

answers! {
    /// LOGIN.
    LoggedIn { "login": login: AuthPayload }
    /// REFRESH.
    Refreshed { "refreshSession": refresh_session: RefreshedTokens }
    /// ME.
    Me { "me": me: User }
    /// PLAYBOOK.
    PlaybookData { "playbook": playbook: Playbook }
    /// PROGRESS.
    MyProgress { "myProgress": my_progress: Progress }
    /// SET_TASK_STATUS.
    TaskStatusSet { "setTaskStatus": set_task_status: TaskProgress }
    /// PRESENCE.
    PresenceData { "presence": presence: Presence }
    /// UPDATE_PRESENCE.
    PresenceUpdated { "updatePresence": update_presence: Presence }
    /// ADD_PROFILE.
    ProfileAdded { "addProfile": add_profile: Profile }
    /// ADD_CONTACT.
    ContactAdded { "addContact": add_contact: Contact }
    /// DELETE_CONTACT.
    ContactDeleted { "deleteContact": delete_contact: DeleteContactPayload }
    /// LOG_INTERACTION.
    InteractionLogged { "logInteraction": log_interaction: LoggedInteraction }
    /// INTERACTIONS.
    Interactions { "interactions": interactions: Vec<Interaction> }
    /// COMMUNITIES.
    Communities { "communities": communities: Vec<Community> }
    /// ADD_COMMUNITY.
    CommunityAdded { "addCommunity": add_community: Community }
    /// LOG_MEETING.
    MeetingLogged { "logMeeting": log_meeting: Meeting }
    /// RECOMMENDATIONS.
    Recommendations { "recommendations": recommendations: Vec<Recommendation> }
    /// SOCIAL_CAPITAL.
    SocialCapitalData { "socialCapital": social_capital: SocialCapital }
    /// DUE_TO_RECONNECT.
    DueToReconnect { "dueToReconnect": due_to_reconnect: Vec<Reconnect> }
    /// MY_COHORTS.
    MyCohorts { "myCohorts": my_cohorts: Vec<MemberCohort> }
    /// JOIN_COHORT.
    CohortJoined { "joinCohort": join_cohort: MemberCohort }
    /// MY_NUDGES.
    MyNudges { "myNudges": my_nudges: Vec<Nudge> }
    /// MARK_NUDGE_READ.
    NudgeRead { "markNudgeRead": mark_nudge_read: Nudge }
    /// COHORT_DASHBOARD.
    CohortDashboardData { "cohort": cohort: DashboardCohort }
    /// SEND_NUDGE: the nudges sent (one, to one member).
    NudgesSent { "sendNudge": send_nudge: Vec<Nudge> }
}
