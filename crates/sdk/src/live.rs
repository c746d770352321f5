//! Live updates: her nudges and a cohort's activity as streams, each over its own WebSocket
//! (`graphql-transport-ws` at `/graphql/ws`, as the server speaks it: `crates/server/src/socket.rs`).
//!
//! A stream signs its socket in with the access token (`connection_init`), subscribes, and
//! hands out events one `next()` at a time. It keeps itself up:
//!
//! - a dropped connection is opened again after a pause that doubles from 0.5 s to 30 s, with
//!   jitter, and the subscription is made again; nudges sent in between are fetched on the new
//!   socket (her unread ones the stream has not delivered), so each nudge arrives once;
//! - the access token is renewed on the socket before it expires (a `ping` carrying a token
//!   from the client's own refresh, shared with its HTTP calls), and a token the server
//!   refuses is refreshed and the socket opened again;
//! - a stream belongs to the sign-in it was opened in: it ends (`next()` answers `None`) when
//!   that sign-in ends (a sign-out here or everywhere, a password change, a change of role, a
//!   deleted account) or the client signs in anew, and when the app cancels it or lets it go;
//! - a refusal that trying again would meet again (`NotFound` for a cohort she does not
//!   coach, say) is `next()`'s error, once; `None` follows.
//!
//! Events that happen while a socket is down are not replayed for cohort activity (there is
//! no record of them to ask for); the dashboard has the state they led to.

use std::{
    collections::HashSet,
    hash::{BuildHasher, Hasher},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use base64::Engine as _;
use futures_util::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::{Value, json};
use tokio::{
    sync::{mpsc, watch},
    time::Instant,
};
use tokio_tungstenite::{
    Connector, MaybeTlsStream, WebSocketStream,
    tungstenite::{
        self, Message, client::IntoClientRequest, http::HeaderValue, protocol::CloseFrame,
    },
};

use crate::{
    HerLeadError,
    client::HerLeadClient,
    types::{Nudge, TaskStatus, rfc3339},
};

// The documents; each is listed in `operations::ALL`, so the schema check covers them.
pub(crate) const NUDGES_LIVE: &str = "subscription NudgesLive { myNudges { id cohortId memberId message taskKey createdAt readAt } }";
pub(crate) const UNREAD_NUDGES: &str = "query UnreadNudges { myNudges(unreadOnly: true) { id cohortId memberId message taskKey createdAt readAt } }";
pub(crate) const COHORT_ACTIVITY_LIVE: &str = "subscription CohortActivityLive($id: ID!) { cohortActivity(cohortId: $id) { memberId displayName taskKey from to at source } }";

/// A change in the progress of a member of a cohort she coaches, as it happens (never the
/// member's notes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
#[serde(rename_all = "camelCase")]
pub struct ActivityEvent {
    /// The member.
    pub member_id: String,
    /// The member's name.
    pub display_name: String,
    /// The task whose status changed.
    pub task_key: String,
    /// Its status before.
    #[serde(rename = "from")]
    pub from_status: TaskStatus,
    /// Its status now.
    #[serde(rename = "to")]
    pub to_status: TaskStatus,
    /// When it changed.
    #[serde(with = "rfc3339")]
    pub at: SystemTime,
    /// Who changed it: `MEMBER` (she set it) or `RULE` (her data completed it).
    pub source: String,
}

/// Her nudges, live: each one a coach sends her arrives through `next()`, once, including
/// those sent while the connection was down. Get one with `HerLeadClient::nudge_stream`.
/// In Kotlin collect it as a `Flow` (`asFlow()`), in Swift iterate it (`for try await`), in
/// Python wrap it with `herlead_streams.live` (`async for`).
#[derive(Debug, uniffi::Object)]
pub struct NudgeStream(Live<Nudge>);

/// A cohort's activity, live, for one of its coaches: every change of a member's task
/// status arrives through `next()`. Get one with `HerLeadClient::cohort_activity_stream`;
/// collect or iterate it as `NudgeStream` says.
#[derive(Debug, uniffi::Object)]
pub struct ActivityStream(Live<ActivityEvent>);

#[uniffi::export(async_runtime = "tokio")]
impl NudgeStream {
    /// The next nudge, waiting for it as long as it takes; `None` once the stream has ended
    /// (cancelled, or the sign-in it was opened in ended). An error ends the stream too.
    pub async fn next(&self) -> Result<Option<Nudge>, HerLeadError> {
        self.0.next().await
    }

    /// Ends the stream: its socket closes, and `next()` answers `None` from now on (a call
    /// waiting at that moment included). Letting go of the stream does the same.
    pub fn cancel(&self) {
        self.0.cancel();
    }
}

impl NudgeStream {
    /// How many times the stream has connected (1 until its first reconnection): to watch a
    /// stream's health.
    pub fn connections(&self) -> u64 {
        self.0.connections.load(Ordering::Relaxed)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl ActivityStream {
    /// The next change, waiting for it as long as it takes; `None` once the stream has ended
    /// (cancelled, or the sign-in it was opened in ended). An error ends the stream too.
    pub async fn next(&self) -> Result<Option<ActivityEvent>, HerLeadError> {
        self.0.next().await
    }

    /// Ends the stream: its socket closes, and `next()` answers `None` from now on (a call
    /// waiting at that moment included). Letting go of the stream does the same.
    pub fn cancel(&self) {
        self.0.cancel();
    }
}

impl ActivityStream {
    /// How many times the stream has connected (1 until its first reconnection): to watch a
    /// stream's health.
    pub fn connections(&self) -> u64 {
        self.0.connections.load(Ordering::Relaxed)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl HerLeadClient {
    /// Opens her nudges as a live stream (see `NudgeStream`). Answers once the socket is
    /// signed in and subscribed: `Unauthenticated` when she is not signed in, `Network` when
    /// the server cannot be reached. A nudge sent in the very moment the stream opens may
    /// come before the server has started the subscription; `my_nudges` has it.
    pub async fn nudge_stream(self: Arc<Self>) -> Result<Arc<NudgeStream>, HerLeadError> {
        let live = Live::open(self, Nudges::default()).await?;
        Ok(Arc::new(NudgeStream(live)))
    }

    /// COACH: opens a cohort's activity as a live stream (see `ActivityStream`). Answers once
    /// the socket is signed in and subscribed (`Unauthenticated`, `Network` as for
    /// `nudge_stream`); a cohort she does not coach is the stream's first `next()`, as
    /// `NotFound`.
    pub async fn cohort_activity_stream(
        self: Arc<Self>,
        cohort_id: String,
    ) -> Result<Arc<ActivityStream>, HerLeadError> {
        let live = Live::open(self, Activity { cohort_id }).await?;
        Ok(Arc::new(ActivityStream(live)))
    }
}

/// The subprotocol, and the ids of the two operations a socket carries.
const PROTOCOL: &str = "graphql-transport-ws";
const LIVE_ID: &str = "live";
const CATCH_UP_ID: &str = "catch-up";

/// The pause before the first reconnection, doubled after each failure up to the ceiling.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// A connection that delivered an event, or stayed up this long, was healthy: the next
/// failure starts the backoff over.
const HEALTHY: Duration = MAX_BACKOFF;
/// Connecting, TLS, the upgrade and `connection_ack`, all together.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
/// After this long without a word from the server the stream pings it; after `SILENT`, it
/// takes the connection for dead (the server pings every few seconds, so that is rare).
const QUIET: Duration = Duration::from_secs(15);
const SILENT: Duration = Duration::from_secs(45);
/// The token is renewed this much before it expires (at most; half its lifetime when that
/// is shorter), and tried again this soon after a renewal failed.
const RENEWAL_MARGIN: Duration = Duration::from_secs(60);
const RENEWAL_RETRY: Duration = Duration::from_secs(2);
/// Events waiting for the app's `next()`; beyond that the socket waits too.
const BUFFER: usize = 256;

/// What a stream carries: its subscription, how its items come out of an answer, and how it
/// finds what it missed while it was down.
trait Feed: Send + Sync + 'static {
    /// One event.
    type Item: DeserializeOwned + Send + 'static;
    /// The field of an answer's `data` holding the item.
    const FIELD: &'static str;
    /// The `subscribe` payload of the live subscription.
    fn subscription(&self) -> Value;
    /// A query, run on every connection, telling what the subscription may have missed.
    fn catch_up(&self) -> Option<Value> {
        None
    }
    /// The items of the catch-up answer `data` not delivered yet, oldest first. The first
    /// connection's answer only records what was there before the stream opened.
    fn missed(&mut self, _data: Value, _first: bool) -> Vec<Self::Item> {
        Vec::new()
    }
    /// Whether an item has not been delivered yet (and is, from now on).
    fn first_time(&mut self, _item: &Self::Item) -> bool {
        true
    }
}

/// Her nudges; `seen` holds the ids of her unread nudges that were there when the stream
/// opened or were delivered since (read ones drop out: they never come back).
#[derive(Debug, Default)]
struct Nudges {
    seen: HashSet<String>,
}

impl Feed for Nudges {
    type Item = Nudge;
    const FIELD: &'static str = "myNudges";

    fn subscription(&self) -> Value {
        json!({ "query": NUDGES_LIVE })
    }

    fn catch_up(&self) -> Option<Value> {
        Some(json!({ "query": UNREAD_NUDGES }))
    }

    fn missed(&mut self, data: Value, first: bool) -> Vec<Nudge> {
        let Ok(unread) = serde_json::from_value::<Vec<Nudge>>(data) else {
            return Vec::new();
        };
        let ids: HashSet<&str> = unread.iter().map(|n| n.id.as_str()).collect();
        self.seen.retain(|id| ids.contains(id.as_str()));
        if first {
            self.seen.extend(unread.into_iter().map(|n| n.id));
            return Vec::new();
        }
        // Newest first on the wire.
        unread
            .into_iter()
            .rev()
            .filter(|n| !self.seen.contains(&n.id))
            .collect()
    }

    fn first_time(&mut self, item: &Nudge) -> bool {
        self.seen.insert(item.id.clone())
    }
}

/// One cohort's activity.
#[derive(Debug)]
struct Activity {
    cohort_id: String,
}

impl Feed for Activity {
    type Item = ActivityEvent;
    const FIELD: &'static str = "cohortActivity";

    fn subscription(&self) -> Value {
        json!({ "query": COHORT_ACTIVITY_LIVE, "variables": { "id": self.cohort_id } })
    }
}

/// The app's end of a stream: the events the socket's task hands over, and the switch that
/// stops the task (dropping it stops the task too).
#[derive(Debug)]
struct Live<T> {
    items: tokio::sync::Mutex<mpsc::Receiver<Result<T, HerLeadError>>>,
    cancel: watch::Sender<bool>,
    connections: Arc<AtomicU64>,
}

impl<T: Send + 'static> Live<T> {
    /// Connects, signs in and subscribes, then leaves the socket to a task of its own.
    async fn open<F: Feed<Item = T>>(
        client: Arc<HerLeadClient>,
        feed: F,
    ) -> Result<Self, HerLeadError> {
        let token = client.fresh_access_token(None).await?;
        let url = socket_url(&client.address_of("/graphql/ws"))?;
        let (items, receiver) = mpsc::channel(BUFFER);
        let (cancel, cancelled) = watch::channel(false);
        let connections = Arc::new(AtomicU64::new(0));
        let mut runner = Runner {
            sign_in: claims(&token).and_then(|c| c.sid),
            client,
            url,
            feed,
            items,
            cancelled,
            token,
            connections: connections.clone(),
            connected_before: false,
        };
        let socket = match runner.connect().await {
            Ok(socket) => socket,
            // Refused at once: the saved token may have expired while the app was away.
            Err(Stop::Token) => {
                runner.renew_token().await.map_err(Stop::into_error)?;
                runner.connect().await.map_err(Stop::into_error)?
            }
            Err(stop) => return Err(stop.into_error()),
        };
        tokio::spawn(runner.run(socket));
        Ok(Self {
            items: tokio::sync::Mutex::new(receiver),
            cancel,
            connections,
        })
    }

    async fn next(&self) -> Result<Option<T>, HerLeadError> {
        let mut cancelled = self.cancel.subscribe();
        if *cancelled.borrow() {
            return Ok(None);
        }
        let mut items = tokio::select! {
            items = self.items.lock() => items,
            () = until_cancelled(&mut cancelled) => return Ok(None),
        };
        tokio::select! {
            biased;
            () = until_cancelled(&mut cancelled) => Ok(None),
            item = items.recv() => item.transpose(),
        }
    }

    fn cancel(&self) {
        self.cancel.send_replace(true);
    }
}

/// Resolves once the stream is cancelled or its app end is gone.
async fn until_cancelled(cancelled: &mut watch::Receiver<bool>) {
    let _ = cancelled.wait_for(|c| *c).await;
}

type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

/// Why a socket stopped serving, and so what comes next.
#[derive(Debug)]
enum Stop {
    /// The app cancelled the stream or let it go.
    Cancelled,
    /// The sign-in the stream belongs to has ended: the stream ends without an error.
    SignedOut,
    /// The server refused the token: refresh, then connect again.
    Token,
    /// A failure worth another try, after at least `wait` when the server said so.
    Retry {
        reason: String,
        wait: Option<Duration>,
    },
    /// A refusal another try would meet again: the stream ends with it.
    Fatal(HerLeadError),
}

impl Stop {
    fn retry(reason: impl std::fmt::Display) -> Self {
        Stop::Retry {
            reason: reason.to_string(),
            wait: None,
        }
    }

    /// The error `open` answers with when the first connection fails.
    fn into_error(self) -> HerLeadError {
        match self {
            Stop::Fatal(error) => error,
            Stop::Retry { reason, .. } => HerLeadError::Network {
                reason,
                kind: crate::NetworkErrorKind::Other,
                request_id: None,
            },
            Stop::Cancelled => HerLeadError::Network {
                reason: "the stream was cancelled".into(),
                kind: crate::NetworkErrorKind::Other,
                request_id: None,
            },
            Stop::SignedOut | Stop::Token => HerLeadError::unauthenticated("sign in again"),
        }
    }

    /// An operation's errors (`next` with `errors`, or `error`).
    fn from_errors(errors: &Value) -> Self {
        let first = errors
            .as_array()
            .and_then(|e| e.first())
            .unwrap_or(&Value::Null);
        match HerLeadError::from_graphql(first) {
            HerLeadError::Unauthenticated { .. } => Stop::Token,
            HerLeadError::RateLimited {
                retry_after_seconds,
                reason,
                ..
            } => Stop::Retry {
                reason,
                wait: Some(Duration::from_secs(u64::from(retry_after_seconds))),
            },
            HerLeadError::Server { reason, .. } => Stop::retry(reason),
            // The caps on open subscriptions: a socket the server has not yet seen go away
            // may still hold a place.
            HerLeadError::Validation { field, reason, .. } if field == "subscription" => {
                Stop::retry(reason)
            }
            other => Stop::Fatal(other),
        }
    }

    /// The server's close frame (codes of `crates/server/src/socket.rs` and async-graphql).
    fn from_close(frame: Option<&CloseFrame>) -> Self {
        let Some(frame) = frame else {
            return Stop::retry("the server closed the connection");
        };
        let code = u16::from(frame.code);
        match code {
            // The sign-in ended.
            4403 => Stop::SignedOut,
            // The token expired (4401), or `connection_init` or a renewal was refused (1002).
            4401 | 1002 => Stop::Token,
            4400 => Stop::Fatal(HerLeadError::server(format!(
                "the server refused a message: {}",
                frame.reason
            ))),
            _ => Stop::retry(format!(
                "the server closed the connection ({code}: {})",
                frame.reason
            )),
        }
    }

    /// A failed connection or upgrade.
    fn from_ws(error: tungstenite::Error) -> Self {
        let tungstenite::Error::Http(response) = error else {
            return match error {
                tungstenite::Error::Url(e) => Stop::Fatal(HerLeadError::Validation {
                    field: "baseUrl".into(),
                    reason: e.to_string(),
                    request_id: None,
                }),
                other => Stop::retry(other),
            };
        };
        let status = response.status();
        let body: Value = response
            .body()
            .as_deref()
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or_default();
        match status.as_u16() {
            401 => Stop::Token,
            404 => Stop::Fatal(HerLeadError::NotFound {
                reason: "this server has no live updates (/graphql/ws)".into(),
                request_id: None,
            }),
            429 => Stop::Retry {
                reason: format!("HTTP {status}"),
                wait: response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok())
                    .map(Duration::from_secs),
            },
            400..=499 if status.as_u16() != 408 => match body["errors"].as_array() {
                Some(_) => Stop::from_errors(&body["errors"]),
                None => Stop::Fatal(HerLeadError::server(format!("HTTP {status}"))),
            },
            _ => Stop::retry(format!("HTTP {status}")),
        }
    }
}

/// `ws://…` for `http://…`, `wss://…` for `https://…`.
fn socket_url(address: &str) -> Result<String, HerLeadError> {
    if let Some(rest) = address.strip_prefix("https://") {
        Ok(format!("wss://{rest}"))
    } else if let Some(rest) = address.strip_prefix("http://") {
        Ok(format!("ws://{rest}"))
    } else {
        Err(HerLeadError::validation(
            "baseUrl",
            "the server address must start with http:// or https://",
        ))
    }
}

/// TLS for `wss://`, trusting what the HTTP client trusts (see `tls.rs`): the platform's
/// verifier, or with the `bundled-roots` feature the roots compiled in. No ALPN: a WebSocket
/// upgrade is HTTP/1.1.
fn tls_config() -> Result<Arc<rustls::ClientConfig>, Stop> {
    let fatal = |e: rustls::Error| Stop::Fatal(HerLeadError::network(e));
    let builder = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(fatal)?;
    #[cfg(feature = "bundled-roots")]
    let builder = builder.with_root_certificates(rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    });
    #[cfg(not(feature = "bundled-roots"))]
    let builder = {
        use rustls_platform_verifier::BuilderVerifierExt as _;
        builder.with_platform_verifier().map_err(fatal)?
    };
    Ok(Arc::new(builder.with_no_client_auth()))
}

/// The claims of an access token the stream reads (without checking it: the server does):
/// when it expires, when it was issued, and the sign-in it belongs to.
#[derive(Debug, Deserialize)]
struct Claims {
    exp: i64,
    iat: i64,
    sid: Option<String>,
}

fn claims(token: &str) -> Option<Claims> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// When to renew `token` on the socket: `RENEWAL_MARGIN` (or half its lifetime) before it
/// expires by the device's clock, but never sooner than a quarter of its lifetime after the
/// last renewal, so that a clock running ahead cannot make renewals loop (one running behind
/// renews late: the server closes with 4401 and the stream reconnects). `None` for a token
/// whose expiry cannot be read: the server's 4401 is then the only signal.
fn renewal_due(token: &str, last: Option<Instant>) -> Option<Instant> {
    let claims = claims(token)?;
    let lifetime = Duration::from_secs(u64::try_from(claims.exp - claims.iat).ok()?.max(1));
    let margin = (lifetime / 2).min(RENEWAL_MARGIN);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?;
    let expires = Duration::from_secs(u64::try_from(claims.exp).ok()?);
    let due = Instant::now() + expires.saturating_sub(margin).saturating_sub(now);
    Some(last.map_or(due, |last| due.max(last + lifetime / 4)))
}

/// The pause before reconnection attempt `failures` (counted from 0): "equal jitter", half
/// the doubled delay plus a random part of the other half, so that the clients a restarted
/// server dropped do not all come back at once.
fn backoff(failures: u32) -> Duration {
    let ceiling = FIRST_BACKOFF
        .saturating_mul(1 << failures.min(16))
        .min(MAX_BACKOFF);
    let half = ceiling / 2;
    half + half.mul_f64(random_unit())
}

/// A number in [0, 1): each `RandomState` is seeded anew, which is random enough for jitter.
fn random_unit() -> f64 {
    let bits = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    #[allow(clippy::cast_precision_loss)]
    let unit = (bits >> 11) as f64 / (1u64 << 53) as f64;
    unit
}

async fn send(socket: &mut Socket, message: Value) -> Result<(), Stop> {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .map_err(Stop::retry)
}

/// The socket's end of a stream, run as a task of its own.
struct Runner<F: Feed> {
    client: Arc<HerLeadClient>,
    url: String,
    feed: F,
    items: mpsc::Sender<Result<F::Item, HerLeadError>>,
    cancelled: watch::Receiver<bool>,
    /// The access token the socket signed in with (or was renewed with).
    token: String,
    /// The sign-in (`sid`) the stream belongs to, when the token says.
    sign_in: Option<String>,
    connections: Arc<AtomicU64>,
    connected_before: bool,
}

impl<F: Feed> Runner<F> {
    /// Serves sockets until the stream ends, reconnecting after each failure.
    async fn run(mut self, mut socket: Socket) {
        let mut failures: u32 = 0;
        loop {
            let since = Instant::now();
            let (stop, delivered) = self.serve(&mut socket).await;
            if delivered || since.elapsed() >= HEALTHY {
                failures = 0;
            }
            self.goodbye(socket, &stop).await;
            socket = match self.reconnect(stop, &mut failures).await {
                Some(socket) => socket,
                None => return,
            };
        }
    }

    /// A new socket after `stop`, trying again with backoff; `None` when the stream ends.
    async fn reconnect(&mut self, mut stop: Stop, failures: &mut u32) -> Option<Socket> {
        loop {
            match stop {
                Stop::Cancelled | Stop::SignedOut => return None,
                Stop::Fatal(error) => {
                    self.deliver(Err(error)).await;
                    return None;
                }
                Stop::Token => {
                    if let Err(failed) = self.renew_token().await {
                        stop = failed;
                        continue;
                    }
                    // A fresh token goes out at once, unless tokens keep being refused.
                    if *failures > 0 && !self.pause(backoff(*failures)).await {
                        return None;
                    }
                }
                Stop::Retry { wait, .. } => {
                    let pause = backoff(*failures).max(wait.unwrap_or_default());
                    if !self.pause(pause).await {
                        return None;
                    }
                }
            }
            *failures = failures.saturating_add(1);
            stop = match self.connect().await {
                Ok(socket) => return Some(socket),
                Err(failed) => failed,
            };
        }
    }

    /// Waits `pause`; false when the stream was cancelled meanwhile.
    async fn pause(&self, pause: Duration) -> bool {
        let mut cancelled = self.cancelled.clone();
        tokio::select! {
            () = tokio::time::sleep(pause) => true,
            () = until_cancelled(&mut cancelled) => false,
        }
    }

    /// Hands an item to the app; false when the stream was cancelled or let go meanwhile.
    async fn deliver(&self, item: Result<F::Item, HerLeadError>) -> bool {
        let mut cancelled = self.cancelled.clone();
        tokio::select! {
            sent = self.items.send(item) => sent.is_ok(),
            () = until_cancelled(&mut cancelled) => false,
        }
    }

    /// Replaces the token with a fresher one from the client (refreshing it unless another
    /// call already has). The stream ends when the session has, or when the client now holds
    /// another sign-in's tokens.
    async fn renew_token(&mut self) -> Result<(), Stop> {
        match self.client.fresh_access_token(Some(&self.token)).await {
            Ok(token) => {
                if self.sign_in.is_some() && claims(&token).and_then(|c| c.sid) != self.sign_in {
                    return Err(Stop::SignedOut);
                }
                self.token = token;
                Ok(())
            }
            Err(HerLeadError::Unauthenticated { .. }) => Err(Stop::SignedOut),
            Err(other) => Err(Stop::retry(other)),
        }
    }

    /// Opens a socket, signs it in and subscribes (with the catch-up query when the feed has
    /// one), renewing a token that is due first.
    async fn connect(&mut self) -> Result<Socket, Stop> {
        if renewal_due(&self.token, None).is_some_and(|due| due <= Instant::now()) {
            self.renew_token().await?;
        }
        let mut cancelled = self.cancelled.clone();
        let attempt = tokio::time::timeout(CONNECT_TIMEOUT, self.handshake());
        let socket = tokio::select! {
            outcome = attempt => outcome.map_err(|_| Stop::retry("connecting timed out"))??,
            () = until_cancelled(&mut cancelled) => return Err(Stop::Cancelled),
        };
        self.connections.fetch_add(1, Ordering::Relaxed);
        Ok(socket)
    }

    async fn handshake(&self) -> Result<Socket, Stop> {
        let mut request = self
            .url
            .as_str()
            .into_client_request()
            .map_err(Stop::from_ws)?;
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", HeaderValue::from_static(PROTOCOL));
        let connector = if self.url.starts_with("wss://") {
            Connector::Rustls(tls_config()?)
        } else {
            Connector::Plain
        };
        let (mut socket, response) =
            tokio_tungstenite::connect_async_tls_with_config(request, None, true, Some(connector))
                .await
                .map_err(Stop::from_ws)?;
        let chosen = response
            .headers()
            .get("sec-websocket-protocol")
            .and_then(|v| v.to_str().ok());
        if chosen != Some(PROTOCOL) {
            return Err(Stop::Fatal(HerLeadError::server(
                "the server does not speak graphql-transport-ws",
            )));
        }
        let bearer = format!("Bearer {}", self.token);
        send(
            &mut socket,
            json!({ "type": "connection_init", "payload": { "Authorization": bearer } }),
        )
        .await?;
        loop {
            match socket.next().await {
                Some(Ok(Message::Text(text))) => {
                    let message: Value = serde_json::from_str(&text).unwrap_or_default();
                    match message["type"].as_str() {
                        Some("connection_ack") => break,
                        Some("ping") => send(&mut socket, json!({ "type": "pong" })).await?,
                        _ => {}
                    }
                }
                Some(Ok(Message::Close(frame))) => return Err(Stop::from_close(frame.as_ref())),
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(Stop::retry(e)),
                None => return Err(Stop::retry("the connection closed")),
            }
        }
        send(
            &mut socket,
            json!({ "id": LIVE_ID, "type": "subscribe", "payload": self.feed.subscription() }),
        )
        .await?;
        if let Some(query) = self.feed.catch_up() {
            send(
                &mut socket,
                json!({ "id": CATCH_UP_ID, "type": "subscribe", "payload": query }),
            )
            .await?;
        }
        Ok(socket)
    }

    /// Reads the socket until it stops: events to the app, pings answered, the token
    /// renewed before it expires. Also says whether it delivered anything.
    async fn serve(&mut self, socket: &mut Socket) -> (Stop, bool) {
        let first = !std::mem::replace(&mut self.connected_before, true);
        let mut delivered = false;
        let mut last_heard = Instant::now();
        let mut pinged = false;
        let mut renew_at = renewal_due(&self.token, None);
        let mut tick = tokio::time::interval(QUIET / 3);
        let mut cancelled = self.cancelled.clone();
        loop {
            let renewal = async move {
                match renew_at {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = until_cancelled(&mut cancelled) => return (Stop::Cancelled, delivered),
                message = socket.next() => {
                    last_heard = Instant::now();
                    pinged = false;
                    let text = match message {
                        Some(Ok(Message::Text(text))) => text,
                        Some(Ok(Message::Close(frame))) => {
                            return (Stop::from_close(frame.as_ref()), delivered);
                        }
                        // Pings are answered by tungstenite as it reads.
                        Some(Ok(_)) => continue,
                        Some(Err(e)) => return (Stop::retry(e), delivered),
                        None => return (Stop::retry("the connection closed"), delivered),
                    };
                    let message: Value = serde_json::from_str(&text).unwrap_or_default();
                    match self.on_message(socket, message, first).await {
                        Ok(sent) => delivered |= sent,
                        Err(stop) => return (stop, delivered),
                    }
                }
                () = renewal => match self.renew_token().await {
                    Ok(()) => {
                        let bearer = format!("Bearer {}", self.token);
                        let ping = json!({ "type": "ping", "payload": { "Authorization": bearer } });
                        if let Err(stop) = send(socket, ping).await {
                            return (stop, delivered);
                        }
                        renew_at = renewal_due(&self.token, Some(Instant::now()));
                    }
                    Err(Stop::Retry { .. }) => renew_at = Some(Instant::now() + RENEWAL_RETRY),
                    Err(stop) => return (stop, delivered),
                },
                _ = tick.tick() => {
                    let quiet = last_heard.elapsed();
                    if quiet >= SILENT {
                        return (Stop::retry("the server stopped answering"), delivered);
                    }
                    if quiet >= QUIET && !pinged {
                        pinged = true;
                        if let Err(stop) = send(socket, json!({ "type": "ping" })).await {
                            return (stop, delivered);
                        }
                    }
                }
            }
        }
    }

    /// One protocol message; answers whether it delivered an event.
    async fn on_message(
        &mut self,
        socket: &mut Socket,
        mut message: Value,
        first: bool,
    ) -> Result<bool, Stop> {
        let id = message["id"].as_str().unwrap_or_default().to_owned();
        match message["type"].as_str().unwrap_or_default() {
            "ping" => send(socket, json!({ "type": "pong" }))
                .await
                .map(|()| false),
            "next" if id == LIVE_ID => {
                let payload = message["payload"].take();
                if payload["errors"].as_array().is_some_and(|e| !e.is_empty()) {
                    return Err(Stop::from_errors(&payload["errors"]));
                }
                let mut payload = payload;
                let data = payload["data"][F::FIELD].take();
                if data.is_null() {
                    return Ok(false);
                }
                let item: F::Item = serde_json::from_value(data).map_err(|e| {
                    Stop::Fatal(HerLeadError::network(format!(
                        "unexpected event in {}: {e}",
                        F::FIELD
                    )))
                })?;
                if !self.feed.first_time(&item) {
                    return Ok(false);
                }
                if self.deliver(Ok(item)).await {
                    Ok(true)
                } else {
                    Err(Stop::Cancelled)
                }
            }
            "next" if id == CATCH_UP_ID => {
                let data = message["payload"]["data"][F::FIELD].take();
                let mut sent = false;
                for item in self.feed.missed(data, first) {
                    if !self.feed.first_time(&item) {
                        continue;
                    }
                    if !self.deliver(Ok(item)).await {
                        return Err(Stop::Cancelled);
                    }
                    sent = true;
                }
                Ok(sent)
            }
            "error" if id == LIVE_ID => Err(Stop::from_errors(&message["payload"])),
            "complete" if id == LIVE_ID => Err(Stop::retry("the server ended the subscription")),
            // The catch-up's `complete` or errors (it is best effort), `pong`, anything else.
            _ => Ok(false),
        }
    }

    /// Closes a socket that stopped: completing the subscription first when the app
    /// cancelled it, as the protocol asks, and never waiting long for a gone server.
    async fn goodbye(&self, mut socket: Socket, stop: &Stop) {
        let farewell = async {
            if matches!(stop, Stop::Cancelled) {
                let _ = send(&mut socket, json!({ "id": LIVE_ID, "type": "complete" })).await;
            }
            let _ = socket.close(None).await;
        };
        let _ = tokio::time::timeout(Duration::from_secs(1), farewell).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(claims: &Value) -> String {
        let encode = |v: &Value| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string().as_bytes())
        };
        format!(
            "{}.{}.signature",
            encode(&json!({"alg": "HS256"})),
            encode(claims)
        )
    }

    fn now() -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
    }

    #[test]
    fn test_the_token_is_renewed_before_it_expires_and_never_in_a_loop() {
        // A 15-minute token just issued: renewed a minute before it expires.
        let fresh = token(&json!({"exp": now() + 900, "iat": now(), "sid": "s"}));
        let due = renewal_due(&fresh, None).expect("a readable token");
        let wait = due - Instant::now();
        assert!(
            wait > Duration::from_secs(800) && wait <= Duration::from_secs(840),
            "{wait:?}"
        );
        // One already past its renewal time (or a device clock far ahead) is due now, but
        // after a renewal, not again before a quarter of its lifetime.
        let old = token(&json!({"exp": now() - 3600, "iat": now() - 4500, "sid": "s"}));
        assert!(renewal_due(&old, None).expect("readable") <= Instant::now());
        let renewed = Instant::now();
        assert!(
            renewal_due(&old, Some(renewed)).expect("readable")
                >= renewed + Duration::from_secs(225)
        );
        assert_eq!(claims(&fresh).and_then(|c| c.sid).as_deref(), Some("s"));
        assert!(renewal_due("not-a-jwt", None).is_none());
    }

    #[test]
    fn test_backoff_doubles_with_jitter_up_to_its_ceiling() {
        for failures in 0..40 {
            let ceiling = FIRST_BACKOFF
                .saturating_mul(1 << failures.min(16))
                .min(MAX_BACKOFF);
            let pause = backoff(failures);
            assert!(
                pause >= ceiling / 2 && pause <= ceiling,
                "{failures}: {pause:?}"
            );
        }
        assert!(backoff(0) <= Duration::from_millis(500));
        assert!(backoff(30) >= Duration::from_secs(15));
    }

    #[test]
    fn test_close_codes_and_errors_decide_what_comes_next() {
        let close = |code: u16| {
            Stop::from_close(Some(&CloseFrame {
                code: code.into(),
                reason: "r".into(),
            }))
        };
        assert!(matches!(close(4403), Stop::SignedOut));
        assert!(matches!(close(4401), Stop::Token));
        assert!(matches!(close(1002), Stop::Token));
        assert!(matches!(
            close(4400),
            Stop::Fatal(HerLeadError::Server { .. })
        ));
        assert!(matches!(close(1001), Stop::Retry { .. }));
        assert!(matches!(close(4429), Stop::Retry { .. }));
        let errors =
            |code: &str| json!([{"message": "m", "extensions": {"code": code, "retryAfter": 3}}]);
        assert!(matches!(
            Stop::from_errors(&errors("UNAUTHENTICATED")),
            Stop::Token
        ));
        assert!(matches!(
            Stop::from_errors(&errors("NOT_FOUND")),
            Stop::Fatal(HerLeadError::NotFound { .. })
        ));
        assert!(matches!(
            Stop::from_errors(&errors("RATE_LIMITED")),
            Stop::Retry { wait: Some(w), .. } if w == Duration::from_secs(3)
        ));
        assert!(matches!(
            Stop::from_errors(&errors("INTERNAL")),
            Stop::Retry { .. }
        ));
    }

    #[test]
    fn test_missed_nudges_are_the_unread_ones_not_yet_delivered_oldest_first() {
        let nudge = |id: &str| {
            json!({"id": id, "cohortId": "c", "memberId": "m", "message": id,
                   "createdAt": "2026-01-01T00:00:00Z"})
        };
        let mut feed = Nudges::default();
        // Unread when the stream opened: never delivered.
        assert!(
            feed.missed(json!([nudge("b"), nudge("a")]), true)
                .is_empty()
        );
        let live: Nudge = serde_json::from_value(nudge("c")).expect("nudge");
        assert!(feed.first_time(&live));
        assert!(!feed.first_time(&live));
        // After a reconnection: "d" and "e" came while the socket was down; "a" was read.
        let missed = feed.missed(
            json!([nudge("e"), nudge("d"), nudge("c"), nudge("b")]),
            false,
        );
        let ids: Vec<&str> = missed.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["d", "e"]);
        assert!(!feed.seen.contains("a"));
        assert_eq!(
            socket_url("https://api.example.org/graphql/ws")
                .ok()
                .as_deref(),
            Some("wss://api.example.org/graphql/ws")
        );
    }
}
