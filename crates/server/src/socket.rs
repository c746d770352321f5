//! GraphQL over WebSocket at `/graphql/ws` (`graphql-transport-ws`, and the legacy
//! `graphql-ws`), under the same rules as HTTP:
//!
//! - every operation goes through the schema's admission (sizes, fragment expansion,
//!   aliases, NUL, rate limits) with the client's address attached, as over HTTP, and runs on
//!   the GraphQL pool, not on the HTTP worker that holds the socket;
//! - a message is at most `HERLEAD_BODY_LIMIT` bytes, like a request body;
//! - the session is the access token's: an operation sees it as expired once the token is,
//!   and the socket closes (4401) when the token expires, unless the client sent a fresh
//!   token of the same account in a `ping` payload (`{"Authorization": "Bearer …"}`) first;
//! - the socket closes (4403) when its sign-in ends — sign-out, a reused refresh token, a
//!   change of role — on whichever replica that happened (the store's events), and every
//!   operation checks the sign-in is still live;
//! - a connection that does not initialise within ten seconds closes (4408), as the
//!   protocol asks.

use std::{
    net::IpAddr,
    str::FromStr,
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{AggregatedMessage, CloseCode, CloseReason};
use async_graphql::{
    Data, Executor, Request, Response,
    http::{WebSocket, WebSocketProtocols, WsMessage},
};
use chrono::Utc;
use futures_util::{StreamExt, stream::BoxStream};
use herlead_api::{
    AuthFailure, Session,
    limits::{ClientAddr, SocketSubscriptions},
};
use herlead_store::Event;
use serde_json::json;

use crate::routes::{AppState, client_addr};

/// How often the server pings an idle client.
const HEARTBEAT: Duration = Duration::from_secs(5);
/// A client silent for this long (no message, no pong) is gone.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(20);
/// The time a client has to send `connection_init`.
const INIT_TIMEOUT: Duration = Duration::from_secs(10);
/// Messages read from the client and not yet taken by the protocol (it takes them as they
/// come, except while it checks `connection_init`): more, and the client is not waiting for
/// answers as the protocol asks.
const INBOX: usize = 64;
/// How long a message to the client may wait for room in the connection: a client that reads
/// nothing for that long is dropped, rather than holding the server's memory.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Close codes of the graphql-transport-ws protocol.
const CLOSE_UNAUTHORIZED: u16 = 4401;
const CLOSE_FORBIDDEN: u16 = 4403;
const CLOSE_INIT_TIMEOUT: u16 = 4408;
const CLOSE_TOO_MANY: u16 = 4429;

/// The socket's sign-in: set by `connection_init`, renewed by a `ping` carrying a fresh
/// token, ended by a revocation.
#[derive(Debug)]
struct SocketAuth {
    state: Mutex<AuthState>,
    changed: tokio::sync::Notify,
}

#[derive(Debug)]
struct AuthState {
    session: Session,
    initialized: bool,
    ended: Option<(u16, String)>,
}

impl SocketAuth {
    fn new() -> Self {
        Self {
            state: Mutex::new(AuthState {
                session: Session::Anonymous,
                initialized: false,
                ended: None,
            }),
            changed: tokio::sync::Notify::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, AuthState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The session an operation runs under now: an expired token is refused as on HTTP.
    fn current(&self) -> Session {
        match self.lock().session {
            Session::Authenticated(v) if v.expires_at <= Utc::now() => {
                Session::Refused(AuthFailure::Expired)
            }
            other => other,
        }
    }

    fn set(&self, session: Session) {
        {
            let mut state = self.lock();
            state.session = session;
            state.initialized = true;
        }
        self.changed.notify_one();
    }

    fn end(&self, code: u16, reason: &str) {
        self.lock().ended.get_or_insert((code, reason.to_owned()));
        self.changed.notify_one();
    }

    /// When the socket's token expires, if it has one.
    fn expires_at(&self) -> Option<chrono::DateTime<Utc>> {
        match self.lock().session {
            Session::Authenticated(v) => Some(v.expires_at),
            _ => None,
        }
    }

    /// Whether ending `family` of `user` (every sign-in of hers when `None`) ends this socket.
    fn ended_by(&self, user: uuid::Uuid, family: Option<uuid::Uuid>) -> bool {
        match self.lock().session {
            Session::Authenticated(v) => {
                v.user_id.0 == user && family.is_none_or(|f| f == v.session)
            }
            _ => false,
        }
    }
}

/// Runs a socket's operations on the GraphQL pool, under the socket's current session.
#[derive(Clone)]
struct SocketExecutor {
    state: web::Data<AppState>,
    auth: Arc<SocketAuth>,
    addr: Option<IpAddr>,
}

impl Executor for SocketExecutor {
    async fn execute(&self, request: Request) -> Response {
        self.execute_stream(request, None)
            .next()
            .await
            .unwrap_or_default()
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let session = self.auth.current();
        let mut request = request.data(session);
        if let Some(ip) = self.addr {
            request = request.data(ClientAddr(ip));
        }
        let (tx, rx) = tokio::sync::mpsc::channel::<Response>(16);
        let state = self.state.clone();
        let auth = self.auth.clone();
        self.state.pool.spawn(async move {
            // A sign-in ended elsewhere whose event this replica missed ends here.
            if let Session::Authenticated(v) = session {
                let refusal = match state.store.session_is_live(v.session, Utc::now()).await {
                    Ok(true) => None,
                    Ok(false) => {
                        auth.end(CLOSE_FORBIDDEN, "this session has ended; sign in again");
                        Some(herlead_api::ApiError::Unauthenticated(
                            "this session has ended; sign in again",
                        ))
                    }
                    Err(e) => Some(herlead_api::ApiError::from(e)),
                };
                if let Some(error) = refusal {
                    let error = error.into_server_error(async_graphql::Pos::default());
                    let _ = tx.send(Response::from_errors(vec![error])).await;
                    return;
                }
            }
            let mut responses = state
                .schema
                .execute_stream_with_session_data(request, session_data.unwrap_or_default());
            loop {
                tokio::select! {
                    item = responses.next() => match item {
                        Some(response) => if tx.send(response).await.is_err() { break },
                        None => break,
                    },
                    // The client completed the operation or went away.
                    () = tx.closed() => break,
                }
            }
        });
        futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|response| (response, rx))
        })
        .boxed()
    }
}

/// The bearer credentials of a `connection_init` (or `ping`) payload:
/// `{"Authorization": "Bearer …"}` (any case) or `{"token": "…"}`.
fn payload_authorization(payload: &serde_json::Value) -> Option<String> {
    let object = payload.as_object()?;
    if let Some(value) = object
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, v)| v.as_str())
    {
        return Some(value.to_owned());
    }
    object
        .get("token")
        .and_then(|v| v.as_str())
        .map(|t| format!("Bearer {t}"))
}

/// GET /graphql/ws: upgrades to a WebSocket speaking `graphql-transport-ws` (or the legacy
/// `graphql-ws`).
pub(crate) async fn graphql_ws(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> actix_web::Result<HttpResponse> {
    let protocol = req
        .headers()
        .get_all("sec-websocket-protocol")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find_map(|p| WebSocketProtocols::from_str(p.trim()).ok());
    let Some(protocol) = protocol else {
        return Ok(HttpResponse::BadRequest().json(json!({
            "errors": [{ "message": "ask for the graphql-transport-ws subprotocol",
                         "extensions": { "code": "VALIDATION" } }]
        })));
    };
    let addr = client_addr(&state, &req);
    let (response, session, messages) =
        actix_ws::handle_with_protocols(&req, payload, &[protocol.sec_websocket_protocol()])?;
    let limit = state.limits.message_bytes;
    let messages = messages
        .max_frame_size(limit)
        .aggregate_continuations()
        .max_continuation_size(limit);
    actix_web::rt::spawn(serve(state, protocol, addr, session, messages));
    Ok(response)
}

/// Waits for the next event, skipping a lag; never ends once the channel is gone.
async fn next_event(events: &mut Option<tokio::sync::broadcast::Receiver<Event>>) -> Event {
    loop {
        let Some(rx) = events.as_mut() else {
            return std::future::pending().await;
        };
        match rx.recv().await {
            Ok(event) => return event,
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
            Err(tokio::sync::broadcast::error::RecvError::Closed) => *events = None,
        }
    }
}

async fn until(at: Option<chrono::DateTime<Utc>>) {
    match at {
        Some(at) => {
            let wait = (at - Utc::now()).to_std().unwrap_or(Duration::ZERO);
            tokio::time::sleep(wait).await;
        }
        None => std::future::pending().await,
    }
}

async fn serve(
    state: web::Data<AppState>,
    protocol: WebSocketProtocols,
    addr: Option<IpAddr>,
    mut ws: actix_ws::Session,
    mut messages: actix_ws::AggregatedMessageStream,
) {
    let auth = Arc::new(SocketAuth::new());
    let subscriptions = Arc::new(SocketSubscriptions::default());
    let (to_graphql, from_client) = tokio::sync::mpsc::channel::<Vec<u8>>(INBOX);
    let executor = SocketExecutor {
        state: state.clone(),
        auth: auth.clone(),
        addr,
    };
    let on_init = {
        let auth = auth.clone();
        let authenticator = state.auth.clone();
        let store = state.store.clone();
        move |payload: serde_json::Value| async move {
            let session = authenticator.session(payload_authorization(&payload).as_deref());
            match session {
                Session::Refused(_) => {
                    return Err(async_graphql::Error::new("the access token is not valid"));
                }
                Session::Authenticated(v) => {
                    let live = store
                        .session_is_live(v.session, Utc::now())
                        .await
                        .map_err(|_| async_graphql::Error::new("internal server error"))?;
                    if !live {
                        return Err(async_graphql::Error::new(
                            "this session has ended; sign in again",
                        ));
                    }
                }
                Session::Anonymous => {}
            }
            auth.set(session);
            let mut data = Data::default();
            data.insert(subscriptions);
            Ok(data)
        }
    };
    let on_ping = {
        let auth = auth.clone();
        let authenticator = state.auth.clone();
        move |_: Option<&Data>, payload: Option<serde_json::Value>| {
            let renewal = payload
                .as_ref()
                .and_then(payload_authorization)
                .map(|header| (authenticator.session(Some(&header)), auth.lock().session));
            let auth = auth.clone();
            async move {
                match renewal {
                    None => Ok(None),
                    Some((Session::Authenticated(new), Session::Authenticated(old)))
                        if new.user_id == old.user_id =>
                    {
                        auth.set(Session::Authenticated(new));
                        Ok(None)
                    }
                    Some(_) => Err(async_graphql::Error::new(
                        "the renewed access token is not valid for this connection",
                    )),
                }
            }
        }
    };
    let incoming = futures_util::stream::unfold(from_client, |mut rx| async move {
        rx.recv().await.map(|bytes| (bytes, rx))
    });
    let mut graphql = Box::pin(
        WebSocket::new(executor, incoming, protocol)
            .on_connection_init(on_init)
            .on_ping(on_ping),
    );
    let mut events = state.store.subscribe().await.ok();
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    let opened = Instant::now();
    let mut last_seen = Instant::now();
    let close: Option<(u16, String)> = loop {
        let expiry = until(auth.expires_at());
        tokio::select! {
            () = auth.changed.notified() => {
                if let Some(ended) = auth.lock().ended.take() {
                    break Some(ended);
                }
            }
            message = messages.recv() => {
                last_seen = Instant::now();
                let bytes = match message {
                    Some(Ok(AggregatedMessage::Text(text))) => text.into_bytes().to_vec(),
                    Some(Ok(AggregatedMessage::Binary(bytes))) => bytes.to_vec(),
                    Some(Ok(AggregatedMessage::Ping(bytes))) => {
                        if ws.pong(&bytes).await.is_err() { break None }
                        continue;
                    }
                    Some(Ok(AggregatedMessage::Pong(_))) => continue,
                    Some(Ok(AggregatedMessage::Close(_))) | None => break None,
                    Some(Err(e)) => break Some((1009, format!("message refused: {e}"))),
                };
                match to_graphql.try_send(bytes) {
                    Ok(()) => {}
                    Err(tokio::sync::mpsc::error::TrySendError::Full(_)) => {
                        break Some((CLOSE_TOO_MANY, "too many messages before the server could read them".into()));
                    }
                    Err(tokio::sync::mpsc::error::TrySendError::Closed(_)) => break None,
                }
            }
            out = graphql.next() => match out {
                Some(WsMessage::Text(text)) => {
                    match tokio::time::timeout(SEND_TIMEOUT, ws.text(text)).await {
                        Ok(Ok(())) => {}
                        Ok(Err(_)) | Err(_) => break None,
                    }
                }
                Some(WsMessage::Close(code, reason)) => break Some((code, reason)),
                None => break None,
            },
            () = expiry => {
                break Some((
                    CLOSE_UNAUTHORIZED,
                    "the access token has expired: connect again with a fresh one, or renew it in a ping first".into(),
                ));
            }
            event = next_event(&mut events) => {
                if let Event::SessionsEnded { user, family } = event
                    && auth.ended_by(user, family)
                {
                    break Some((CLOSE_FORBIDDEN, "this session has ended; sign in again".into()));
                }
            }
            _ = heartbeat.tick() => {
                if !auth.lock().initialized && opened.elapsed() > INIT_TIMEOUT {
                    break Some((CLOSE_INIT_TIMEOUT, "Connection initialisation timeout".into()));
                }
                if last_seen.elapsed() > CLIENT_TIMEOUT {
                    break None;
                }
                if ws.ping(b"").await.is_err() { break None }
            }
        }
    };
    let reason = close.map(|(code, reason)| CloseReason {
        code: CloseCode::Other(code),
        description: Some(reason),
    });
    let _ = ws.close(reason).await;
}
