//! The client: one HTTP connection pool, the session's tokens, and one method per operation.

use std::{
    sync::{Arc, LazyLock, Mutex, Once},
    time::{Duration, SystemTime},
};

use serde::{Deserialize, Serialize, de::DeserializeOwned, de::IgnoredAny};

use crate::{
    HerLeadError, NetworkErrorKind,
    operations::{self as op, InputVars, NoVars},
    types::*,
};

/// Where the app keeps tokens between launches (Keychain on iOS, Keystore on Android).
/// Implemented in Swift or Kotlin; [`MemoryTokenStore`] is the in-memory default.
///
/// Threads: the SDK calls these methods synchronously from its own worker threads (the
/// tokio runtime that runs every async call), never from the app's main/UI thread (except
/// `is_signed_in()`, which is not async and calls `load` on the caller's thread), and may
/// call them from several threads at once (several clients may share one store): make them
/// thread-safe, and keep them quick (a Keychain/Keystore read or a small file write is fine; a
/// network call is not), since the call that needs the token waits for them.
#[uniffi::export(with_foreign)]
pub trait TokenStore: Send + Sync {
    /// The saved tokens, if any.
    fn load(&self) -> Option<StoredTokens>;
    /// Replaces the saved tokens (after sign-in and every refresh).
    fn save(&self, tokens: StoredTokens);
    /// Forgets the tokens (sign-out, or a session that ended).
    fn clear(&self);
}

/// Keeps tokens in memory only: the session ends with the process. From Kotlin, Swift and
/// Python, get one with [`memory_token_store`].
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    tokens: Mutex<Option<StoredTokens>>,
}

impl MemoryTokenStore {
    /// An empty store.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }
}

/// A [`TokenStore`] that keeps tokens in memory only (the session ends with the process), to
/// pass to [`HerLeadClient::new`] or share between clients: for tests, scripts and apps that
/// never keep a session.
#[uniffi::export]
pub fn memory_token_store() -> Arc<dyn TokenStore> {
    MemoryTokenStore::new()
}

impl TokenStore for MemoryTokenStore {
    fn load(&self) -> Option<StoredTokens> {
        self.tokens.lock().ok()?.clone()
    }
    fn save(&self, tokens: StoredTokens) {
        if let Ok(mut slot) = self.tokens.lock() {
            *slot = Some(tokens);
        }
    }
    fn clear(&self) {
        if let Ok(mut slot) = self.tokens.lock() {
            *slot = None;
        }
    }
}

static CRYPTO: Once = Once::new();

/// Refreshes take turns across every client of the process: an app's clients (UI, background
/// work, a widget) often share one token store, and two that exchanged the same refresh token
/// at once would look like a stolen token to the server. A turn re-reads the store first, so a
/// client whose sibling has just refreshed uses the sibling's tokens.
static REFRESH_TURN: LazyLock<tokio::sync::Mutex<()>> =
    LazyLock::new(|| tokio::sync::Mutex::new(()));

/// How long a client that lost a refresh race to another process waits for that process to
/// save the new tokens in the shared store, and how often it looks.
const SIBLING_WAIT: Duration = Duration::from_secs(3);
const SIBLING_POLL: Duration = Duration::from_millis(50);

/// A typed, async HerLead client. Access tokens refresh by themselves when they expire (once
/// per call; concurrent calls share one refresh, and so do other clients on the same token
/// store, in this process or another: see [`HerLeadClient::new`]).
#[derive(uniffi::Object)]
pub struct HerLeadClient {
    base: String,
    endpoint: String,
    http: reqwest::Client,
    store: Arc<dyn TokenStore>,
}

impl std::fmt::Debug for HerLeadClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HerLeadClient")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// A file sent with an operation: the variable it fills, its name and its bytes.
pub(crate) struct Upload<'a> {
    pub variable: &'static str,
    pub file_name: &'static str,
    pub contents: &'a [u8],
}

/// What the SDK posts: a document and its variables.
#[derive(Serialize)]
struct Request<'a, V> {
    query: &'a str,
    variables: &'a V,
}

/// What the server answers: `data` is decoded into the operation's answer type only once it
/// is known there are no `errors` (with errors, it may be null or partial). Each error goes
/// to [`HerLeadError::from_graphql`] as it came, whatever its shape.
#[derive(Default, Deserialize)]
struct Response {
    #[serde(default)]
    data: Option<serde_json::Value>,
    #[serde(default)]
    errors: Option<Vec<serde_json::Value>>,
}

/// The operation's name, for error messages: `Me` in `query Me { … }`.
fn operation_name(document: &str) -> &str {
    document.split_whitespace().nth(1).map_or(document, |name| {
        name.split(['(', '{']).next().unwrap_or(name)
    })
}

#[uniffi::export(async_runtime = "tokio")]
impl HerLeadClient {
    /// A client for the server at `base_url` (such as `https://api.herlead.example`), keeping
    /// tokens in `token_store` (in memory when none is given).
    ///
    /// Several clients may share one store — the app's UI and its background work, in one
    /// process or several — and stay signed in: refreshes take turns within a process and
    /// read the store first, and a client that loses the race to another process (the server
    /// answers `CONFLICT` on `refreshToken` within 30 s of the exchange) waits up to 3 s for
    /// that process to save the new tokens in the store and uses them. A store shared across
    /// processes must therefore be one both read and write (the Keychain with an access
    /// group, a file or SharedPreferences both see).
    #[uniffi::constructor]
    pub fn new(
        base_url: String,
        options: ClientOptions,
        token_store: Option<Arc<dyn TokenStore>>,
    ) -> Result<Arc<Self>, HerLeadError> {
        CRYPTO.call_once(|| {
            // Another part of the app may have installed one already; that is fine.
            let _ = rustls::crypto::ring::default_provider().install_default();
        });
        let base = base_url.trim_end_matches('/');
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(HerLeadError::validation(
                "baseUrl",
                "the server address must start with http:// or https://",
            ));
        }
        let builder = reqwest::Client::builder();
        // Mozilla's roots compiled in, instead of the platform's verifier (for Android).
        #[cfg(feature = "bundled-roots")]
        let builder = crate::tls::bundled_roots(builder)?;
        let http = builder
            .timeout(Duration::from_secs(u64::from(
                options.timeout_seconds.max(1),
            )))
            .user_agent(options.user_agent)
            .build()
            .map_err(HerLeadError::network)?;
        Ok(Arc::new(Self {
            endpoint: format!("{base}/graphql"),
            http,
            base: base.to_owned(),
            store: token_store.unwrap_or_else(memory_token_store),
        }))
    }

    /// Whether tokens are saved (the session may still have ended on the server).
    pub fn is_signed_in(&self) -> bool {
        self.store.load().is_some()
    }

    /// Creates a member account and signs her in.
    ///
    /// The server answers registration the same way whether or not the email already has an
    /// account (so that nobody can find out who uses HerLead), and leaves an existing account
    /// as it was; the sign-in that follows then fails with `Unauthenticated` unless the
    /// password is that account's own. Tell her: "this email may already have an account:
    /// sign in instead".
    pub async fn register(
        &self,
        email: String,
        password: String,
        display_name: String,
    ) -> Result<User, HerLeadError> {
        let vars = InputVars {
            i: op::RegisterInput {
                email: email.clone(),
                password: password.clone(),
                display_name,
            },
        };
        let _: IgnoredAny = self.execute(op::REGISTER, &vars, false).await?;
        self.login(email, password).await
    }

    /// Signs in.
    pub async fn login(&self, email: String, password: String) -> Result<User, HerLeadError> {
        let vars = InputVars {
            i: op::LoginInput { email, password },
        };
        let data: op::LoggedIn = self.execute(op::LOGIN, &vars, false).await?;
        Ok(self.start_session(data.login).await)
    }

    /// Signs out: ends the session on the server and forgets the tokens.
    pub async fn logout(&self) -> Result<(), HerLeadError> {
        if let Some(tokens) = self.load_tokens().await {
            self.clear_tokens().await;
            let vars = op::TokenVars {
                t: tokens.refresh_token,
            };
            let _: IgnoredAny = self.execute(op::LOGOUT, &vars, false).await?;
        }
        Ok(())
    }

    /// Resumes the saved session: the signed-in user, or none when there is no session or it
    /// has ended (the saved tokens are then forgotten).
    pub async fn restore_session(&self) -> Result<Option<User>, HerLeadError> {
        if self.load_tokens().await.is_none() {
            return Ok(None);
        }
        match self.me().await {
            Ok(user) => Ok(Some(user)),
            Err(HerLeadError::Unauthenticated { .. }) => {
                self.clear_tokens().await;
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    /// The signed-in user.
    pub async fn me(&self) -> Result<User, HerLeadError> {
        let data: op::Me = self.execute(op::ME, &NoVars {}, true).await?;
        Ok(data.me)
    }

    /// The playbook (public).
    pub async fn playbook(&self) -> Result<Playbook, HerLeadError> {
        let data: op::PlaybookData = self.execute(op::PLAYBOOK, &NoVars {}, false).await?;
        Ok(data.playbook)
    }

    /// Her progress through the playbook.
    pub async fn my_progress(&self) -> Result<Progress, HerLeadError> {
        let data: op::MyProgress = self.execute(op::PROGRESS, &NoVars {}, true).await?;
        Ok(data.my_progress)
    }

    /// Sets a task's status (SELF_REPORTED tasks; AUTOMATIC ones can only be skipped or
    /// handed back with NOT_STARTED).
    pub async fn set_task_status(
        &self,
        task_key: String,
        status: TaskStatus,
        note: Option<String>,
    ) -> Result<TaskProgress, HerLeadError> {
        let vars = InputVars {
            i: op::SetTaskStatusInput {
                task_key,
                status,
                note,
            },
        };
        let data: op::TaskStatusSet = self.execute(op::SET_TASK_STATUS, &vars, true).await?;
        Ok(data.set_task_status)
    }

    /// Her website, signature, audiences, profiles and what to fix.
    pub async fn presence(&self) -> Result<Presence, HerLeadError> {
        let data: op::PresenceData = self.execute(op::PRESENCE, &NoVars {}, true).await?;
        Ok(data.presence)
    }

    /// Changes her website, signature or audiences; `None` keeps a value, an empty string
    /// clears it.
    pub async fn update_presence(
        &self,
        website: Option<String>,
        email_signature: Option<String>,
        audiences: Option<Vec<Audience>>,
    ) -> Result<Presence, HerLeadError> {
        let vars = InputVars {
            i: op::PresenceInput {
                website,
                email_signature,
                audiences,
            },
        };
        let data: op::PresenceUpdated = self.execute(op::UPDATE_PRESENCE, &vars, true).await?;
        Ok(data.update_presence)
    }

    /// Adds a social profile.
    pub async fn add_profile(&self, profile: ProfileInput) -> Result<Profile, HerLeadError> {
        let vars = InputVars { i: profile };
        let data: op::ProfileAdded = self.execute(op::ADD_PROFILE, &vars, true).await?;
        Ok(data.add_profile)
    }

    /// Adds a contact.
    pub async fn add_contact(&self, contact: ContactInput) -> Result<Contact, HerLeadError> {
        crate::network::check_contact(&contact)?;
        let vars = InputVars { i: contact };
        let data: op::ContactAdded = self.execute(op::ADD_CONTACT, &vars, true).await?;
        Ok(data.add_contact)
    }

    /// Deletes a contact with its interactions; returns how many interactions went with it.
    pub async fn delete_contact(&self, id: String) -> Result<i64, HerLeadError> {
        let vars = op::IdVars { id };
        let data: op::ContactDeleted = self.execute(op::DELETE_CONTACT, &vars, true).await?;
        Ok(data.delete_contact.deleted_interactions)
    }

    /// Logs a give, an ask, a connection or a meeting with a contact; `occurred_at` defaults
    /// to now (and may not be in the future).
    pub async fn log_interaction(
        &self,
        contact_id: String,
        kind: InteractionKind,
        occurred_at: Option<SystemTime>,
        note: Option<String>,
    ) -> Result<LoggedInteraction, HerLeadError> {
        let vars = InputVars {
            i: op::LogInteractionInput {
                contact_id,
                kind,
                occurred_at,
                note,
            },
        };
        let data: op::InteractionLogged = self.execute(op::LOG_INTERACTION, &vars, true).await?;
        Ok(data.log_interaction)
    }

    /// Her interactions, newest first: all, or one contact's.
    pub async fn interactions(
        &self,
        contact_id: Option<String>,
    ) -> Result<Vec<Interaction>, HerLeadError> {
        let vars = op::InteractionsVars {
            contact: contact_id,
        };
        let data: op::Interactions = self.execute(op::INTERACTIONS, &vars, true).await?;
        Ok(data.interactions)
    }

    /// Her communities with their meetings.
    pub async fn communities(&self) -> Result<Vec<Community>, HerLeadError> {
        let data: op::Communities = self.execute(op::COMMUNITIES, &NoVars {}, true).await?;
        Ok(data.communities)
    }

    /// Adds a community.
    pub async fn add_community(
        &self,
        name: String,
        kind: CommunityKind,
        role: CommunityRole,
        link: Option<String>,
    ) -> Result<Community, HerLeadError> {
        let vars = InputVars {
            i: op::CommunityInput {
                name,
                kind,
                role,
                link,
            },
        };
        let data: op::CommunityAdded = self.execute(op::ADD_COMMUNITY, &vars, true).await?;
        Ok(data.add_community)
    }

    /// Logs a meeting of one of her communities (up to a year ahead for a planned one).
    pub async fn log_meeting(
        &self,
        community_id: String,
        occurred_at: SystemTime,
        in_person: bool,
        attendee_ids: Vec<String>,
    ) -> Result<Meeting, HerLeadError> {
        let vars = InputVars {
            i: op::LogMeetingInput {
                community_id,
                occurred_at,
                in_person,
                attendee_ids,
            },
        };
        let data: op::MeetingLogged = self.execute(op::LOG_MEETING, &vars, true).await?;
        Ok(data.log_meeting)
    }

    /// What to do next, in playbook order.
    #[uniffi::method(default(first = 10))]
    pub async fn recommendations(&self, first: i32) -> Result<Vec<Recommendation>, HerLeadError> {
        let vars = op::FirstVars { first };
        let data: op::Recommendations = self.execute(op::RECOMMENDATIONS, &vars, true).await?;
        Ok(data.recommendations)
    }

    /// Her social capital with the factors behind it.
    pub async fn social_capital(&self) -> Result<SocialCapital, HerLeadError> {
        let data: op::SocialCapitalData =
            self.execute(op::SOCIAL_CAPITAL, &NoVars {}, true).await?;
        Ok(data.social_capital)
    }

    /// Contacts due for a touch, most overdue first.
    #[uniffi::method(default(first = 20))]
    pub async fn due_to_reconnect(&self, first: i32) -> Result<Vec<Reconnect>, HerLeadError> {
        let vars = op::FirstVars { first };
        let data: op::DueToReconnect = self.execute(op::DUE_TO_RECONNECT, &vars, true).await?;
        Ok(data.due_to_reconnect)
    }

    /// Cohorts she belongs to.
    pub async fn my_cohorts(&self) -> Result<Vec<MemberCohort>, HerLeadError> {
        let data: op::MyCohorts = self.execute(op::MY_COHORTS, &NoVars {}, true).await?;
        Ok(data.my_cohorts)
    }

    /// Joins a cohort with its invite code.
    pub async fn join_cohort(
        &self,
        code: String,
        sharing: SharingLevel,
    ) -> Result<MemberCohort, HerLeadError> {
        let vars = op::JoinCohortVars { code, sharing };
        let data: op::CohortJoined = self.execute(op::JOIN_COHORT, &vars, true).await?;
        Ok(data.join_cohort)
    }

    /// Leaves a cohort.
    pub async fn leave_cohort(&self, cohort_id: String) -> Result<(), HerLeadError> {
        let vars = op::IdVars { id: cohort_id };
        let _: IgnoredAny = self.execute(op::LEAVE_COHORT, &vars, true).await?;
        Ok(())
    }

    /// Changes what she shares with a cohort's coaches.
    pub async fn set_sharing(
        &self,
        cohort_id: String,
        sharing: SharingLevel,
    ) -> Result<(), HerLeadError> {
        let vars = op::SetSharingVars {
            id: cohort_id,
            sharing,
        };
        let _: IgnoredAny = self.execute(op::SET_SHARING, &vars, true).await?;
        Ok(())
    }

    /// Her nudges, newest first.
    #[uniffi::method(default(unread_only = false))]
    pub async fn my_nudges(&self, unread_only: bool) -> Result<Vec<Nudge>, HerLeadError> {
        let vars = op::MyNudgesVars {
            unread: unread_only,
        };
        let data: op::MyNudges = self.execute(op::MY_NUDGES, &vars, true).await?;
        Ok(data.my_nudges)
    }

    /// Marks a nudge read.
    pub async fn mark_nudge_read(&self, nudge_id: String) -> Result<Nudge, HerLeadError> {
        let vars = op::IdVars { id: nudge_id };
        let data: op::NudgeRead = self.execute(op::MARK_NUDGE_READ, &vars, true).await?;
        Ok(data.mark_nudge_read)
    }

    /// COACH: a page of a cohort's dashboard: `first` members (up to 100) after the cursor
    /// `after`, in the order `sort` (most at risk first when `None`), with the cohort's
    /// figures. A member's contacts are there only when she shares them.
    #[uniffi::method(default(first = 50, after = None, sort = None))]
    pub async fn cohort_dashboard(
        &self,
        cohort_id: String,
        first: i32,
        after: Option<String>,
        sort: Option<MemberSort>,
    ) -> Result<CohortDashboard, HerLeadError> {
        let vars = op::CohortPageVars {
            id: cohort_id,
            first,
            after,
            sort,
        };
        let data: op::CohortDashboardData = self.execute(op::COHORT_DASHBOARD, &vars, true).await?;
        let cohort = data.cohort;
        Ok(CohortDashboard {
            id: cohort.id,
            name: cohort.name,
            invite_code: cohort.invite_code,
            members: cohort.members.edges.into_iter().map(|e| e.node).collect(),
            end_cursor: cohort.members.page_info.end_cursor,
            has_next_page: cohort.members.page_info.has_next_page,
            aggregates: cohort.aggregates,
        })
    }

    /// COACH: nudges one member of a cohort.
    pub async fn send_nudge(
        &self,
        cohort_id: String,
        member_id: String,
        message: String,
        task_key: Option<String>,
    ) -> Result<Nudge, HerLeadError> {
        let vars = InputVars {
            i: op::NudgeInput {
                cohort_id,
                member_id,
                message,
                task_key,
            },
        };
        let data: op::NudgesSent = self.execute(op::SEND_NUDGE, &vars, true).await?;
        let mut nudges = data.send_nudge;
        nudges
            .pop()
            .ok_or_else(|| HerLeadError::server("no nudge was sent"))
    }
}

impl HerLeadClient {
    /// Forgets the saved tokens (after a sign-out everywhere or a deleted account).
    pub(crate) async fn forget_tokens(&self) {
        self.clear_tokens().await;
    }

    /// The store's tokens, read on a blocking thread of the runtime: an app's store may do
    /// I/O (Keychain, Keystore, a file), and the first poll of a call runs on the app's
    /// calling thread, which may be its UI thread.
    pub(crate) async fn load_tokens(&self) -> Option<StoredTokens> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || store.load())
            .await
            .unwrap_or(None)
    }

    /// Saves tokens in the store, on a blocking thread (see [`Self::load_tokens`]).
    async fn save_tokens(&self, tokens: StoredTokens) {
        let store = self.store.clone();
        let _ = tokio::task::spawn_blocking(move || store.save(tokens)).await;
    }

    /// Clears the store, on a blocking thread (see [`Self::load_tokens`]).
    async fn clear_tokens(&self) {
        let store = self.store.clone();
        let _ = tokio::task::spawn_blocking(move || store.clear()).await;
    }

    /// The full address of `path` on this client's server.
    pub(crate) fn address_of(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn start_session(&self, payload: op::AuthPayload) -> User {
        self.save_tokens(StoredTokens {
            access_token: payload.access_token,
            refresh_token: payload.refresh_token,
        })
        .await;
        payload.user
    }

    /// Sends one operation and decodes its answer; with `auth`, attaches the access token
    /// and, when the server says it is no longer valid, refreshes once and retries.
    pub(crate) async fn execute<V: Serialize, R: DeserializeOwned>(
        &self,
        document: &str,
        variables: &V,
        auth: bool,
    ) -> Result<R, HerLeadError> {
        self.send(document, variables, None, auth).await
    }

    /// Sends one operation with a file, as a GraphQL multipart request (the spec at
    /// github.com/jaydenseric/graphql-multipart-request-spec): `operations` holds the
    /// document with `null` in the file's variable, `map` points part `0` at it.
    pub(crate) async fn execute_upload<V: Serialize, R: DeserializeOwned>(
        &self,
        document: &str,
        variables: &V,
        upload: Upload<'_>,
    ) -> Result<R, HerLeadError> {
        self.send(document, variables, Some(&upload), true).await
    }

    async fn send<V: Serialize, R: DeserializeOwned>(
        &self,
        document: &str,
        variables: &V,
        upload: Option<&Upload<'_>>,
        auth: bool,
    ) -> Result<R, HerLeadError> {
        let token = if auth {
            self.load_tokens().await.map(|t| t.access_token)
        } else {
            None
        };
        if auth && token.is_none() {
            return Err(HerLeadError::unauthenticated("sign in first"));
        }
        match self
            .post(document, variables, upload, token.as_deref())
            .await
        {
            Err(HerLeadError::Unauthenticated { .. }) if auth => {
                self.refresh(token.as_deref()).await?;
                let fresh = self.load_tokens().await.map(|t| t.access_token);
                self.post(document, variables, upload, fresh.as_deref())
                    .await
            }
            other => other,
        }
    }

    /// An access token to use instead of `stale`: the saved one when it differs (another call
    /// refreshed since), else a refreshed one; with `None`, the saved one as it is. Through
    /// the same turn-taking refresh as every call; `Unauthenticated` once the session has
    /// ended (the tokens are then forgotten). For the live streams' sockets.
    pub(crate) async fn fresh_access_token(
        &self,
        stale: Option<&str>,
    ) -> Result<String, HerLeadError> {
        self.refresh(stale).await?;
        self.load_tokens()
            .await
            .map(|t| t.access_token)
            .ok_or_else(|| HerLeadError::unauthenticated("sign in again"))
    }

    /// Exchanges the refresh token, unless another call (of this client or another one on
    /// the same store) already did since `stale` was read.
    async fn refresh(&self, stale: Option<&str>) -> Result<(), HerLeadError> {
        let _turn = REFRESH_TURN.lock().await;
        let Some(tokens) = self.load_tokens().await else {
            return Err(HerLeadError::unauthenticated("sign in again"));
        };
        if Some(tokens.access_token.as_str()) != stale {
            return Ok(());
        }
        let vars = op::TokenVars {
            t: tokens.refresh_token.clone(),
        };
        match self
            .post::<_, op::Refreshed>(op::REFRESH, &vars, None, None)
            .await
        {
            Ok(data) => {
                self.save_tokens(StoredTokens {
                    access_token: data.refresh_session.access_token,
                    refresh_token: data.refresh_session.refresh_token,
                })
                .await;
                Ok(())
            }
            Err(err @ HerLeadError::Unauthenticated { .. }) => {
                self.clear_tokens().await;
                Err(err)
            }
            // Another process on the same store exchanged this token a moment ago: its new
            // tokens are on their way into the store.
            Err(HerLeadError::Conflict { field, .. }) if field == "refreshToken" => {
                self.sibling_tokens(&tokens).await
            }
            Err(other) => Err(other),
        }
    }

    /// Waits for the tokens a sibling process saves after winning a refresh race. If none
    /// come, this token may be a stolen copy that someone else exchanged: the sign-in is
    /// ended with it (which signs the thief out too) and she must sign in again.
    async fn sibling_tokens(&self, ours: &StoredTokens) -> Result<(), HerLeadError> {
        let deadline = tokio::time::Instant::now() + SIBLING_WAIT;
        while tokio::time::Instant::now() < deadline {
            tokio::time::sleep(SIBLING_POLL).await;
            match self.load_tokens().await {
                Some(saved) if saved.access_token != ours.access_token => return Ok(()),
                Some(_) => {}
                None => break,
            }
        }
        self.clear_tokens().await;
        let vars = op::TokenVars {
            t: ours.refresh_token.clone(),
        };
        let _ = self
            .post::<_, IgnoredAny>(op::LOGOUT, &vars, None, None)
            .await;
        Err(HerLeadError::unauthenticated(
            "the session was refreshed elsewhere and its new tokens never arrived; sign in again",
        ))
    }

    /// Sends one request with a fresh `X-Request-Id` (the server logs it and echoes it), and
    /// puts that id on any error the request ends in.
    async fn post<V: Serialize, R: DeserializeOwned>(
        &self,
        document: &str,
        variables: &V,
        upload: Option<&Upload<'_>>,
        token: Option<&str>,
    ) -> Result<R, HerLeadError> {
        let id = uuid::Uuid::new_v4().to_string();
        self.post_with_id(&id, document, variables, upload, token)
            .await
            .map_err(|e| e.with_request_id(&id))
    }

    async fn post_with_id<V: Serialize, R: DeserializeOwned>(
        &self,
        request_id: &str,
        document: &str,
        variables: &V,
        upload: Option<&Upload<'_>>,
        token: Option<&str>,
    ) -> Result<R, HerLeadError> {
        // Serialized here rather than by reqwest so that a value with no wire form (a time
        // out of RFC 3339's range) is refused as input, not reported as a network failure.
        let body = serde_json::to_vec(&Request {
            query: document,
            variables,
        })
        .map_err(|e| HerLeadError::Validation {
            field: String::new(),
            reason: e.to_string(),
            request_id: None,
        })?;
        let request = self.http.post(&self.endpoint);
        let mut request = match upload {
            None => request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body),
            Some(upload) => {
                let map = format!(r#"{{"0":["variables.{}"]}}"#, upload.variable);
                let file = reqwest::multipart::Part::bytes(upload.contents.to_vec())
                    .file_name(upload.file_name.to_owned());
                let form = reqwest::multipart::Form::new()
                    .part(
                        "operations",
                        reqwest::multipart::Part::bytes(body)
                            .mime_str("application/json")
                            .map_err(HerLeadError::network)?,
                    )
                    .text("map", map)
                    .part("0", file);
                request.multipart(form)
            }
        };
        request = request.header("x-request-id", request_id);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.map_err(HerLeadError::from_reqwest)?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u32>().ok());
        let body: serde_json::Value = response.json().await.map_err(|e| {
            HerLeadError::network_of(NetworkErrorKind::BadAnswer, format!("HTTP {status}: {e}"))
        })?;
        // JSON that is not a GraphQL answer (from a proxy, say) has neither errors nor data.
        let body: Response = serde_json::from_value(body).unwrap_or_default();
        if let Some(first) = body.errors.as_deref().and_then(<[_]>::first) {
            return Err(match (HerLeadError::from_graphql(first), retry_after) {
                (HerLeadError::RateLimited { reason, .. }, Some(seconds)) => {
                    HerLeadError::RateLimited {
                        retry_after_seconds: seconds,
                        reason,
                        request_id: None,
                    }
                }
                (err, _) => err,
            });
        }
        if !status.is_success() {
            return Err(HerLeadError::server(format!("HTTP {status}")));
        }
        serde_json::from_value(body.data.unwrap_or_default()).map_err(|e| {
            HerLeadError::network_of(
                NetworkErrorKind::BadAnswer,
                format!("unexpected answer for {}: {e}", operation_name(document)),
            )
        })
    }
}
