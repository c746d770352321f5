//! Every GraphQL document the SDK sends. A test validates each against
//! `schema/schema.graphql`, so a schema change that breaks the SDK fails the build's tests,
//! not a phone.

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
pub(crate) const CONTACTS: &str = "query Contacts($first: Int, $after: String) { contacts(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name sector scope industry inHerIndustry onMeetList competitor values tags stage } } } }";
pub(crate) const ADD_CONTACT: &str = "mutation AddContact($i: ContactInput!) { addContact(input: $i) { id name sector scope industry inHerIndustry onMeetList competitor values tags stage } }";
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
pub(crate) const COHORT_DASHBOARD: &str = "query CohortDashboard($id: ID!, $first: Int, $after: String) { cohort(id: $id) { id name inviteCode members(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id displayName sharing progress { percent currentStep } score { total } lastActivity stalled topRecommendation } } } aggregates { members stalled scoreAverage } } }";
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
    ("CONTACTS", CONTACTS),
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
];
