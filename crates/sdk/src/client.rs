//! The client: one HTTP connection pool, the session's tokens, and one method per operation.

use std::{
    sync::{Arc, Mutex, Once},
    time::Duration,
};

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::{HerLeadError, operations as op, types::*};

/// Where the app keeps tokens between launches (Keychain on iOS, Keystore on Android).
/// Implemented in Swift or Kotlin; [`MemoryTokenStore`] is the in-memory default.
#[uniffi::export(with_foreign)]
pub trait TokenStore: Send + Sync {
    /// The saved tokens, if any.
    fn load(&self) -> Option<StoredTokens>;
    /// Replaces the saved tokens (after sign-in and every refresh).
    fn save(&self, tokens: StoredTokens);
    /// Forgets the tokens (sign-out, or a session that ended).
    fn clear(&self);
}

/// Keeps tokens in memory only: the session ends with the process.
#[derive(Debug, Default, uniffi::Object)]
pub struct MemoryTokenStore {
    tokens: Mutex<Option<StoredTokens>>,
}

#[uniffi::export]
impl MemoryTokenStore {
    /// An empty store.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }
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

/// A typed, async HerLead client. Access tokens refresh by themselves when they expire (once
/// per call; concurrent calls share one refresh).
#[derive(uniffi::Object)]
pub struct HerLeadClient {
    endpoint: String,
    http: reqwest::Client,
    store: Arc<dyn TokenStore>,
    /// Serializes refreshes so concurrent calls use one.
    refreshing: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for HerLeadClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HerLeadClient")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthPayload {
    access_token: String,
    refresh_token: String,
    user: Value,
}

/// The nodes of a Relay connection, as a JSON array ready to decode.
fn nodes(connection: &Value) -> Value {
    Value::Array(
        connection["edges"]
            .as_array()
            .map(|edges| edges.iter().map(|e| e["node"].clone()).collect())
            .unwrap_or_default(),
    )
}

/// Takes the root field out of `data` and decodes it.
fn field<T: DeserializeOwned>(mut data: Value, name: &str) -> Result<T, HerLeadError> {
    serde_json::from_value(data[name].take())
        .map_err(|e| HerLeadError::network(format!("unexpected answer for {name}: {e}")))
}

#[uniffi::export(async_runtime = "tokio")]
impl HerLeadClient {
    /// A client for the server at `base_url` (such as `https://api.herlead.example`), keeping
    /// tokens in `token_store` (in memory when none is given).
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
            return Err(HerLeadError::Validation {
                field: "baseUrl".into(),
                reason: "the server address must start with http:// or https://".into(),
            });
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(u64::from(
                options.timeout_seconds.max(1),
            )))
            .user_agent(options.user_agent)
            .build()
            .map_err(HerLeadError::network)?;
        Ok(Arc::new(Self {
            endpoint: format!("{base}/graphql"),
            http,
            store: token_store.unwrap_or_else(|| MemoryTokenStore::new() as Arc<dyn TokenStore>),
            refreshing: tokio::sync::Mutex::new(()),
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
        self.send(
            op::REGISTER,
            json!({"i": {"email": email, "password": password, "displayName": display_name}}),
            false,
        )
        .await?;
        self.login(email, password).await
    }

    /// Signs in.
    pub async fn login(&self, email: String, password: String) -> Result<User, HerLeadError> {
        let data = self
            .send(
                op::LOGIN,
                json!({"i": {"email": email, "password": password}}),
                false,
            )
            .await?;
        self.start_session(field(data, "login")?)
    }

    /// Signs out: ends the session on the server and forgets the tokens.
    pub async fn logout(&self) -> Result<(), HerLeadError> {
        if let Some(tokens) = self.store.load() {
            self.store.clear();
            self.send(op::LOGOUT, json!({"t": tokens.refresh_token}), false)
                .await?;
        }
        Ok(())
    }

    /// Resumes the saved session: the signed-in user, or none when there is no session or it
    /// has ended (the saved tokens are then forgotten).
    pub async fn restore_session(&self) -> Result<Option<User>, HerLeadError> {
        if self.store.load().is_none() {
            return Ok(None);
        }
        match self.me().await {
            Ok(user) => Ok(Some(user)),
            Err(HerLeadError::Unauthenticated { .. }) => {
                self.store.clear();
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    /// The signed-in user.
    pub async fn me(&self) -> Result<User, HerLeadError> {
        field(self.send(op::ME, json!({}), true).await?, "me")
    }

    /// The playbook (public).
    pub async fn playbook(&self) -> Result<Playbook, HerLeadError> {
        field(self.send(op::PLAYBOOK, json!({}), false).await?, "playbook")
    }

    /// Her progress through the playbook.
    pub async fn my_progress(&self) -> Result<Progress, HerLeadError> {
        field(
            self.send(op::PROGRESS, json!({}), true).await?,
            "myProgress",
        )
    }

    /// Sets a task's status (SELF_REPORTED tasks; AUTOMATIC ones can only be skipped or
    /// handed back with NOT_STARTED).
    pub async fn set_task_status(
        &self,
        task_key: String,
        status: TaskStatus,
        note: Option<String>,
    ) -> Result<TaskProgress, HerLeadError> {
        let vars = json!({"i": {"taskKey": task_key, "status": status, "note": note}});
        field(
            self.send(op::SET_TASK_STATUS, vars, true).await?,
            "setTaskStatus",
        )
    }

    /// Her website, signature, audiences, profiles and what to fix.
    pub async fn presence(&self) -> Result<Presence, HerLeadError> {
        field(self.send(op::PRESENCE, json!({}), true).await?, "presence")
    }

    /// Changes her website, signature or audiences; `None` keeps a value, an empty string
    /// clears it.
    pub async fn update_presence(
        &self,
        website: Option<String>,
        email_signature: Option<String>,
        audiences: Option<Vec<Audience>>,
    ) -> Result<Presence, HerLeadError> {
        let mut input = serde_json::Map::new();
        if let Some(w) = website {
            input.insert("website".into(), json!(w));
        }
        if let Some(s) = email_signature {
            input.insert("emailSignature".into(), json!(s));
        }
        if let Some(a) = audiences {
            input.insert("audiences".into(), json!(a));
        }
        field(
            self.send(op::UPDATE_PRESENCE, json!({"i": input}), true)
                .await?,
            "updatePresence",
        )
    }

    /// Adds a social profile.
    pub async fn add_profile(&self, profile: ProfileInput) -> Result<Profile, HerLeadError> {
        field(
            self.send(op::ADD_PROFILE, json!({"i": profile}), true)
                .await?,
            "addProfile",
        )
    }

    /// A page of her contacts (oldest first; `first` up to 100).
    pub async fn contacts(
        &self,
        first: i32,
        after: Option<String>,
    ) -> Result<ContactPage, HerLeadError> {
        let data: Value = field(
            self.send(op::CONTACTS, json!({"first": first, "after": after}), true)
                .await?,
            "contacts",
        )?;
        let contacts = nodes(&data);
        Ok(ContactPage {
            contacts: serde_json::from_value(contacts).map_err(HerLeadError::network)?,
            end_cursor: data["pageInfo"]["endCursor"].as_str().map(str::to_owned),
            has_next_page: data["pageInfo"]["hasNextPage"].as_bool().unwrap_or(false),
            total_count: data["totalCount"].as_i64().unwrap_or(0),
        })
    }

    /// Adds a contact.
    pub async fn add_contact(&self, contact: ContactInput) -> Result<Contact, HerLeadError> {
        field(
            self.send(op::ADD_CONTACT, json!({"i": contact}), true)
                .await?,
            "addContact",
        )
    }

    /// Deletes a contact with its interactions; returns how many interactions went with it.
    pub async fn delete_contact(&self, id: String) -> Result<i64, HerLeadError> {
        let data: Value = field(
            self.send(op::DELETE_CONTACT, json!({"id": id}), true)
                .await?,
            "deleteContact",
        )?;
        Ok(data["deletedInteractions"].as_i64().unwrap_or(0))
    }

    /// Logs a give, an ask, a connection or a meeting with a contact; `occurred_at` (RFC 3339)
    /// defaults to now.
    pub async fn log_interaction(
        &self,
        contact_id: String,
        kind: InteractionKind,
        occurred_at: Option<String>,
        note: Option<String>,
    ) -> Result<LoggedInteraction, HerLeadError> {
        let vars = json!({"i": {"contactId": contact_id, "kind": kind, "occurredAt": occurred_at, "note": note}});
        field(
            self.send(op::LOG_INTERACTION, vars, true).await?,
            "logInteraction",
        )
    }

    /// Her interactions, newest first: all, or one contact's.
    pub async fn interactions(
        &self,
        contact_id: Option<String>,
    ) -> Result<Vec<Interaction>, HerLeadError> {
        field(
            self.send(op::INTERACTIONS, json!({"contact": contact_id}), true)
                .await?,
            "interactions",
        )
    }

    /// Her communities with their meetings.
    pub async fn communities(&self) -> Result<Vec<Community>, HerLeadError> {
        field(
            self.send(op::COMMUNITIES, json!({}), true).await?,
            "communities",
        )
    }

    /// Adds a community.
    pub async fn add_community(
        &self,
        name: String,
        kind: CommunityKind,
        role: CommunityRole,
        link: Option<String>,
    ) -> Result<Community, HerLeadError> {
        let vars = json!({"i": {"name": name, "kind": kind, "role": role, "link": link}});
        field(
            self.send(op::ADD_COMMUNITY, vars, true).await?,
            "addCommunity",
        )
    }

    /// Logs a meeting of one of her communities (`occurred_at` in RFC 3339).
    pub async fn log_meeting(
        &self,
        community_id: String,
        occurred_at: String,
        in_person: bool,
        attendee_ids: Vec<String>,
    ) -> Result<Meeting, HerLeadError> {
        let vars = json!({"i": {"communityId": community_id, "occurredAt": occurred_at, "inPerson": in_person, "attendeeIds": attendee_ids}});
        field(self.send(op::LOG_MEETING, vars, true).await?, "logMeeting")
    }

    /// What to do next, in playbook order.
    pub async fn recommendations(&self, first: i32) -> Result<Vec<Recommendation>, HerLeadError> {
        field(
            self.send(op::RECOMMENDATIONS, json!({"first": first}), true)
                .await?,
            "recommendations",
        )
    }

    /// Her social capital with the factors behind it.
    pub async fn social_capital(&self) -> Result<SocialCapital, HerLeadError> {
        field(
            self.send(op::SOCIAL_CAPITAL, json!({}), true).await?,
            "socialCapital",
        )
    }

    /// Contacts due for a touch, most overdue first.
    pub async fn due_to_reconnect(&self, first: i32) -> Result<Vec<Reconnect>, HerLeadError> {
        field(
            self.send(op::DUE_TO_RECONNECT, json!({"first": first}), true)
                .await?,
            "dueToReconnect",
        )
    }

    /// Cohorts she belongs to.
    pub async fn my_cohorts(&self) -> Result<Vec<MemberCohort>, HerLeadError> {
        field(
            self.send(op::MY_COHORTS, json!({}), true).await?,
            "myCohorts",
        )
    }

    /// Joins a cohort with its invite code.
    pub async fn join_cohort(
        &self,
        code: String,
        sharing: SharingLevel,
    ) -> Result<MemberCohort, HerLeadError> {
        field(
            self.send(
                op::JOIN_COHORT,
                json!({"code": code, "sharing": sharing}),
                true,
            )
            .await?,
            "joinCohort",
        )
    }

    /// Leaves a cohort.
    pub async fn leave_cohort(&self, cohort_id: String) -> Result<(), HerLeadError> {
        self.send(op::LEAVE_COHORT, json!({"id": cohort_id}), true)
            .await
            .map(|_| ())
    }

    /// Changes what she shares with a cohort's coaches.
    pub async fn set_sharing(
        &self,
        cohort_id: String,
        sharing: SharingLevel,
    ) -> Result<(), HerLeadError> {
        self.send(
            op::SET_SHARING,
            json!({"id": cohort_id, "sharing": sharing}),
            true,
        )
        .await
        .map(|_| ())
    }

    /// Her nudges, newest first.
    pub async fn my_nudges(&self, unread_only: bool) -> Result<Vec<Nudge>, HerLeadError> {
        field(
            self.send(op::MY_NUDGES, json!({"unread": unread_only}), true)
                .await?,
            "myNudges",
        )
    }

    /// Marks a nudge read.
    pub async fn mark_nudge_read(&self, nudge_id: String) -> Result<Nudge, HerLeadError> {
        field(
            self.send(op::MARK_NUDGE_READ, json!({"id": nudge_id}), true)
                .await?,
            "markNudgeRead",
        )
    }

    /// COACH: a page of a cohort's dashboard, most at risk first.
    pub async fn cohort_dashboard(
        &self,
        cohort_id: String,
        first: i32,
        after: Option<String>,
    ) -> Result<CohortDashboard, HerLeadError> {
        let data: Value = field(
            self.send(
                op::COHORT_DASHBOARD,
                json!({"id": cohort_id, "first": first, "after": after}),
                true,
            )
            .await?,
            "cohort",
        )?;
        let members = nodes(&data["members"]);
        Ok(CohortDashboard {
            id: data["id"].as_str().unwrap_or_default().to_owned(),
            name: data["name"].as_str().unwrap_or_default().to_owned(),
            invite_code: data["inviteCode"].as_str().unwrap_or_default().to_owned(),
            members: serde_json::from_value(members).map_err(HerLeadError::network)?,
            end_cursor: data["members"]["pageInfo"]["endCursor"]
                .as_str()
                .map(str::to_owned),
            has_next_page: data["members"]["pageInfo"]["hasNextPage"]
                .as_bool()
                .unwrap_or(false),
            aggregates: serde_json::from_value(data["aggregates"].clone())
                .map_err(HerLeadError::network)?,
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
        let vars = json!({"i": {"cohortId": cohort_id, "memberId": member_id, "message": message, "taskKey": task_key}});
        let mut nudges: Vec<Nudge> =
            field(self.send(op::SEND_NUDGE, vars, true).await?, "sendNudge")?;
        nudges.pop().ok_or_else(|| HerLeadError::Server {
            reason: "no nudge was sent".into(),
        })
    }
}

impl HerLeadClient {
    fn start_session(&self, payload: AuthPayload) -> Result<User, HerLeadError> {
        self.store.save(StoredTokens {
            access_token: payload.access_token,
            refresh_token: payload.refresh_token,
        });
        serde_json::from_value(payload.user).map_err(HerLeadError::network)
    }

    /// Sends one operation; with `auth`, attaches the access token and, when the server says
    /// it is no longer valid, refreshes once and retries.
    async fn send(
        &self,
        document: &str,
        variables: Value,
        auth: bool,
    ) -> Result<Value, HerLeadError> {
        let token = if auth {
            self.store.load().map(|t| t.access_token)
        } else {
            None
        };
        if auth && token.is_none() {
            return Err(HerLeadError::Unauthenticated {
                reason: "sign in first".into(),
            });
        }
        match self.post(document, &variables, token.as_deref()).await {
            Err(HerLeadError::Unauthenticated { .. }) if auth => {
                self.refresh(token.as_deref()).await?;
                let fresh = self.store.load().map(|t| t.access_token);
                self.post(document, &variables, fresh.as_deref()).await
            }
            other => other,
        }
    }

    /// Exchanges the refresh token, unless another call already did since `stale` was read.
    async fn refresh(&self, stale: Option<&str>) -> Result<(), HerLeadError> {
        let _turn = self.refreshing.lock().await;
        let Some(tokens) = self.store.load() else {
            return Err(HerLeadError::Unauthenticated {
                reason: "sign in again".into(),
            });
        };
        if Some(tokens.access_token.as_str()) != stale {
            return Ok(());
        }
        match self
            .post(op::REFRESH, &json!({"t": tokens.refresh_token}), None)
            .await
        {
            Ok(data) => {
                let payload: AuthPayload = field(data, "refreshSession")?;
                self.store.save(StoredTokens {
                    access_token: payload.access_token,
                    refresh_token: payload.refresh_token,
                });
                Ok(())
            }
            Err(err @ HerLeadError::Unauthenticated { .. }) => {
                self.store.clear();
                Err(err)
            }
            Err(other) => Err(other),
        }
    }

    async fn post(
        &self,
        document: &str,
        variables: &Value,
        token: Option<&str>,
    ) -> Result<Value, HerLeadError> {
        let mut request = self
            .http
            .post(&self.endpoint)
            .json(&json!({"query": document, "variables": variables}));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.map_err(HerLeadError::network)?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u32>().ok());
        let body: Value = response
            .json()
            .await
            .map_err(|e| HerLeadError::network(format!("HTTP {status}: {e}")))?;
        if let Some(first) = body["errors"].as_array().and_then(|e| e.first()) {
            return Err(match (HerLeadError::from_graphql(first), retry_after) {
                (HerLeadError::RateLimited { reason, .. }, Some(seconds)) => {
                    HerLeadError::RateLimited {
                        retry_after_seconds: seconds,
                        reason,
                    }
                }
                (err, _) => err,
            });
        }
        if !status.is_success() {
            return Err(HerLeadError::Server {
                reason: format!("HTTP {status}"),
            });
        }
        Ok(body["data"].clone())
    }
}
