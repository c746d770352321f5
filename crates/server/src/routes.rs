//! HTTP routes: GraphQL over POST and GET, GraphiQL, health and readiness.

use actix_web::{
    HttpRequest, HttpResponse, HttpResponseBuilder, Responder,
    http::{
        StatusCode,
        header::{self, ContentType},
    },
    web,
};
use async_graphql::{BatchRequest, http::GraphiQLSource, parser::types::OperationType};
use herlead_api::{ApiError, Authenticator, ErrorCode, HerLeadSchema, admission::Documents};
use herlead_store::Store;
use serde_json::json;
use std::{net::IpAddr, sync::Arc};

use crate::pool::{Pool, PoolError};

/// What every handler shares.
pub(crate) struct AppState {
    pub(crate) schema: HerLeadSchema,
    pub(crate) auth: Arc<Authenticator>,
    pub(crate) store: Store,
    /// The schema's cache of parsed documents, to look at a request before it runs.
    pub(crate) documents: Arc<Documents>,
    /// Where GraphQL work runs.
    pub(crate) pool: Pool,
    /// Members' summaries for `/bench/aggregates/recomputed` (only with the bench switch).
    #[cfg(feature = "bench")]
    pub(crate) bench_members: tokio::sync::Mutex<herlead_api::dashboard::MemberCache>,
    pub(crate) limits: Limits,
    pub(crate) metrics: Option<Arc<herlead_api::metrics::Metrics>>,
}

/// Limits enforced by the transport.
pub(crate) struct Limits {
    pub(crate) max_batch: usize,
    /// The largest WebSocket message, like the largest request body.
    pub(crate) message_bytes: usize,
    /// The largest uploaded file (multipart requests).
    pub(crate) upload_bytes: usize,
    pub(crate) admission: herlead_api::admission::AdmissionConfig,
    pub(crate) timeout: std::time::Duration,
    pub(crate) graphiql: bool,
    #[cfg(feature = "bench")]
    pub(crate) bench_baseline: bool,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub(crate) trusted_proxies: Vec<ipnet::IpNet>,
    /// Whether /metrics is served on the main address.
    pub(crate) metrics_here: bool,
}

/// The client's address: the TCP peer, or, when the peer is a trusted proxy, the nearest
/// address in `X-Forwarded-For` that is not a trusted proxy itself (each proxy appends the
/// address it saw, so everything left of an untrusted hop may be forged and is ignored).
pub(crate) fn client_addr(state: &AppState, req: &HttpRequest) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    let trusted = |ip: &IpAddr| state.limits.trusted_proxies.iter().any(|n| n.contains(ip));
    if !trusted(&peer) {
        return Some(peer);
    }
    let hops: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Ok(ip) = hop.parse::<IpAddr>() else {
            break;
        };
        client = ip;
        if !trusted(&ip) {
            break;
        }
    }
    Some(client)
}

/// Headers every response carries (GraphiQL sets its own content policy first).
pub(crate) fn security_headers() -> actix_web::middleware::DefaultHeaders {
    actix_web::middleware::DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add(("Cross-Origin-Resource-Policy", "same-origin"))
        .add((
            "Content-Security-Policy",
            "default-src 'none'; frame-ancestors 'none'",
        ))
        .add(("Cache-Control", "no-store"))
}

/// The response media types of GraphQL over HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MediaType {
    /// `application/graphql-response+json`: status codes tell request errors apart.
    GraphqlResponse,
    /// `application/json`: the legacy type; well-formed GraphQL responses are 200.
    Json,
}

impl MediaType {
    fn as_str(self) -> &'static str {
        match self {
            MediaType::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        }
    }
}

/// Picks the response type from `Accept`; `None` when none is acceptable (406). No header means
/// `application/json`, as the GraphQL-over-HTTP draft asks of servers for legacy clients.
fn negotiate(req: &HttpRequest) -> Option<MediaType> {
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    else {
        return Some(MediaType::Json);
    };
    let types: Vec<String> = accept
        .split(',')
        .map(|t| {
            t.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .collect();
    if types
        .iter()
        .any(|t| t == "application/graphql-response+json")
    {
        Some(MediaType::GraphqlResponse)
    } else if types
        .iter()
        .any(|t| t == "application/json" || t == "application/*" || t == "*/*")
    {
        Some(MediaType::Json)
    } else {
        None
    }
}

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/graphql")
            .route(web::post().to(graphql_post))
            .route(web::get().to(graphql_get))
            .default_service(web::to(method_not_allowed)),
    )
    .route("/graphql/ws", web::get().to(crate::socket::graphql_ws))
    .route("/cohorts/{id}/dashboard.csv", web::get().to(dashboard_csv))
    .route("/calendar/{secret}.ics", web::get().to(calendar_feed))
    .route("/graphiql", web::get().to(graphiql))
    .route("/", web::get().to(root))
    .route("/healthz", web::get().to(healthz))
    .route("/metrics", web::get().to(metrics))
    .route("/readyz", web::get().to(readyz));
    #[cfg(feature = "bench")]
    crate::bench::routes(cfg);
}

/// Every error body the routes build themselves (outside GraphQL execution) has this one
/// shape: a GraphQL-style `errors` list with the message and `extensions.code`.
fn error_body(mut response: HttpResponseBuilder, code: ErrorCode, message: &str) -> HttpResponse {
    response.json(json!({
        "errors": [{ "message": message, "extensions": { "code": code.as_str() } }]
    }))
}

/// An [`ApiError`] outside GraphQL: its status, and the body of [`error_body`]. Internal
/// errors are logged with their cause chain, as in GraphQL.
fn api_error(err: ApiError) -> HttpResponse {
    let status = match err.code() {
        ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    err.log();
    error_body(HttpResponse::build(status), err.code(), &err.message())
}

/// A request refused before execution.
fn request_error(status: StatusCode, message: &str) -> HttpResponse {
    error_body(HttpResponse::build(status), ErrorCode::Validation, message)
}

async fn method_not_allowed() -> HttpResponse {
    let mut response = HttpResponse::MethodNotAllowed();
    response.insert_header((header::ALLOW, "GET, POST"));
    error_body(
        response,
        ErrorCode::Validation,
        "use GET for queries or POST for any operation",
    )
}

/// The media type of the body, lower case, without parameters.
fn mime(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|mime| mime.trim().to_ascii_lowercase())
}

fn session(state: &AppState, req: &HttpRequest) -> herlead_api::Session {
    let header = req
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("invalid"));
    state.auth.session(header)
}

async fn execute(state: &AppState, req: &HttpRequest, batch: BatchRequest) -> HttpResponse {
    let Some(media) = negotiate(req) else {
        return request_error(
            StatusCode::NOT_ACCEPTABLE,
            "accept application/graphql-response+json or application/json",
        );
    };
    let requests: Vec<&async_graphql::Request> = match &batch {
        BatchRequest::Single(r) => vec![r],
        BatchRequest::Batch(list) => list.iter().collect(),
    };
    if requests.is_empty() || requests.len() > state.limits.max_batch {
        return request_error(
            StatusCode::BAD_REQUEST,
            &format!("a batch holds 1 to {} operations", state.limits.max_batch),
        );
    }
    if requests.iter().any(|r| r.query.trim().is_empty()) {
        return request_error(StatusCode::BAD_REQUEST, "a GraphQL request needs a query");
    }
    let mut batch = batch.data(session(state, req));
    if let Some(addr) = client_addr(state, req) {
        batch = batch.data(herlead_api::limits::ClientAddr(addr));
    }
    let operation =
        herlead_api::metrics::Metrics::operation_label(requests_operation(&batch)).to_owned();
    tracing::Span::current().record("operation", operation.as_str());
    let started = std::time::Instant::now();
    let schema = state.schema.clone();
    let outcome = state
        .pool
        .run(state.limits.timeout, async move {
            schema.execute_batch(batch).await
        })
        .await;
    if let Some(m) = &state.metrics {
        m.requests.with_label_values(&[operation.as_str()]).inc();
        m.duration
            .with_label_values(&[operation.as_str()])
            .observe(started.elapsed().as_secs_f64());
    }
    let response = match outcome {
        Ok(response) => response,
        Err(PoolError::TimedOut) => {
            tracing::warn!("a request ran past the time limit and was abandoned");
            return error_body(
                HttpResponse::ServiceUnavailable(),
                ErrorCode::Internal,
                "the request took too long",
            );
        }
        Err(PoolError::Panicked | PoolError::Closed) => {
            return error_body(
                HttpResponse::InternalServerError(),
                ErrorCode::Internal,
                "internal server error",
            );
        }
    };
    let responses: Vec<&async_graphql::Response> = match &response {
        async_graphql::BatchResponse::Single(r) => vec![r],
        async_graphql::BatchResponse::Batch(list) => list.iter().collect(),
    };
    let retry_after = responses
        .iter()
        .flat_map(|r| r.errors.iter())
        .filter_map(|e| {
            let ext = e.extensions.as_ref()?;
            match (ext.get("code"), ext.get("retryAfter")) {
                (Some(async_graphql::Value::String(c)), Some(async_graphql::Value::Number(n)))
                    if c == "RATE_LIMITED" =>
                {
                    n.as_u64()
                }
                _ => None,
            }
        })
        .max();
    // A single request that never reached execution (syntax, validation, limits): with the
    // graphql-response+json type, that is a 400.
    let request_error = matches!(&response, async_graphql::BatchResponse::Single(r)
        if r.data == async_graphql::Value::Null && !r.errors.is_empty() && r.errors.iter().all(|e| e.path.is_empty()));
    // A request over the admission limits is refused as a whole, like an oversized batch:
    // 400 whatever the media type.
    let over_limit = responses.iter().any(|r| {
        r.errors.iter().any(|e| {
            e.extensions
                .as_ref()
                .is_some_and(|ext| ext.get("limit").is_some())
        })
    });
    let status = if over_limit || (media == MediaType::GraphqlResponse && request_error) {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut builder = HttpResponse::build(status);
    builder.insert_header((header::CONTENT_TYPE, media.as_str()));
    if let Some(seconds) = retry_after {
        builder.insert_header((header::RETRY_AFTER, seconds.to_string()));
    }
    if media == MediaType::GraphqlResponse && request_error {
        // No execution happened, so the response carries no `data` entry.
        if let async_graphql::BatchResponse::Single(r) = &response {
            return builder.json(json!({ "errors": r.errors }));
        }
    }
    builder.json(response)
}

/// POST /graphql: a JSON body holding one request or a batch, or a multipart body
/// (the GraphQL multipart request spec) carrying a file for `previewImport`.
///
/// A multipart form is a "simple" request that a browser sends cross-origin without a CORS
/// preflight, so one is only accepted with an `Authorization` header (which a cross-origin
/// page cannot add without the preflight the CORS policy refuses). Signing in never needs a file.
async fn graphql_post(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let multipart = match mime(&req).as_deref() {
        Some("application/json") => false,
        Some("multipart/form-data") => true,
        _ => {
            return request_error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send GraphQL requests as application/json (or multipart/form-data with a file)",
            );
        }
    };
    if multipart && !req.headers().contains_key(header::AUTHORIZATION) {
        return request_error(
            StatusCode::BAD_REQUEST,
            "a multipart request (a file upload) needs the Authorization header",
        );
    }
    let limit = if multipart {
        state
            .limits
            .upload_bytes
            .saturating_add(state.limits.message_bytes)
    } else {
        state.limits.message_bytes
    };
    let body = match payload.to_bytes_limited(limit).await {
        Ok(Ok(body)) => body,
        Ok(Err(e)) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                &format!("the request body could not be read: {e}"),
            );
        }
        Err(_) => return too_large(multipart, &state.limits),
    };
    let batch: BatchRequest = if multipart {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let options = async_graphql::http::MultipartOptions::default()
            .max_file_size(state.limits.upload_bytes)
            .max_num_files(1);
        match async_graphql::http::receive_batch_body(content_type, body.as_ref(), options).await {
            // The options' file count only sizes the stream limit; the count is kept here.
            Ok(batch) if batch.iter().map(|r| r.uploads.len()).sum::<usize>() > 1 => {
                return request_error(
                    StatusCode::BAD_REQUEST,
                    "a request may carry one file; send each file in its own request",
                );
            }
            Ok(batch) => batch,
            Err(async_graphql::ParseRequestError::PayloadTooLarge) => {
                return too_large(true, &state.limits);
            }
            Err(e) => {
                return request_error(
                    StatusCode::BAD_REQUEST,
                    &format!("the multipart body is not a GraphQL request with files: {e}"),
                );
            }
        }
    } else {
        match serde_json::from_slice(&body) {
            Ok(batch) => batch,
            Err(e) => {
                return request_error(
                    StatusCode::BAD_REQUEST,
                    &format!("the body is not a GraphQL request: {e}"),
                );
            }
        }
    };
    execute(&state, &req, batch).await
}

/// 413: a body (or, in a multipart request, its file) over the limit.
fn too_large(multipart: bool, limits: &Limits) -> HttpResponse {
    let (message, field) = if multipart {
        (
            format!(
                "the file is larger than {} bytes, the most an upload may hold",
                limits.upload_bytes
            ),
            Some("file"),
        )
    } else {
        (
            format!(
                "the request body is larger than {} bytes",
                limits.message_bytes
            ),
            None,
        )
    };
    let mut extensions = json!({ "code": ErrorCode::Validation.as_str() });
    if let Some(field) = field {
        extensions["field"] = json!(field);
        extensions["reason"] = json!("TOO_LARGE");
    }
    HttpResponse::PayloadTooLarge().json(json!({
        "errors": [{ "message": message, "extensions": extensions }]
    }))
}

/// The parameters of a GraphQL GET request. The specification spells the operation name
/// `operationName`; async-graphql's own parser only reads `operation_name`, so both are taken.
#[derive(serde::Deserialize)]
struct GetParams {
    #[serde(default)]
    query: String,
    #[serde(rename = "operationName", alias = "operation_name")]
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

fn parse_get(query_string: &str) -> Result<async_graphql::Request, String> {
    let params: GetParams = serde_urlencoded::from_str(query_string).map_err(|e| e.to_string())?;
    let json = |what: &str, raw: Option<String>| -> Result<serde_json::Value, String> {
        match raw {
            Some(text) => serde_json::from_str(&text).map_err(|e| format!("invalid {what}: {e}")),
            None => Ok(serde_json::Value::Object(Default::default())),
        }
    };
    let variables = json("variables", params.variables)?;
    let extensions = json("extensions", params.extensions)?;
    let mut request = async_graphql::Request::new(params.query)
        .variables(async_graphql::Variables::from_json(variables));
    request.operation_name = params.operation_name;
    request.extensions =
        serde_json::from_value(extensions).map_err(|e| format!("invalid extensions: {e}"))?;
    Ok(request)
}

/// GET /graphql?query=…: queries only; a mutation over GET runs nothing.
async fn graphql_get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let request = match parse_get(req.query_string()) {
        Ok(request) => request,
        Err(e) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                &format!("the query string is not a GraphQL request: {e}"),
            );
        }
    };
    if matches!(
        state.documents.operation_type(
            &request.query,
            request.operation_name.as_deref(),
            &state.limits.admission
        ),
        Some(OperationType::Mutation | OperationType::Subscription)
    ) {
        let mut response = HttpResponse::MethodNotAllowed();
        response.insert_header((header::ALLOW, "POST"));
        return error_body(
            response,
            ErrorCode::Validation,
            "mutations must be sent with POST",
        );
    }
    execute(&state, &req, BatchRequest::Single(request)).await
}

async fn graphiql(state: web::Data<AppState>) -> HttpResponse {
    if !state.limits.graphiql {
        return HttpResponse::NotFound().finish();
    }
    HttpResponse::Ok()
        .content_type(ContentType::html())
        .insert_header((
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self' 'unsafe-inline' https://unpkg.com; \
             style-src 'self' 'unsafe-inline' https://unpkg.com; font-src https://unpkg.com data:; \
             img-src 'self' data: https:; connect-src 'self' ws: wss:; frame-ancestors 'none'",
        ))
        .body(
            GraphiQLSource::build()
                .endpoint("/graphql")
                .subscription_endpoint("/graphql/ws")
                .finish(),
        )
}

/// GET /cohorts/{id}/dashboard.csv: a coach's cohort dashboard for spreadsheets.
async fn dashboard_csv(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let header = req
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("invalid"));
    let (store, auth, header, id) = (
        state.store.clone(),
        state.auth.clone(),
        header.map(str::to_owned),
        path.into_inner(),
    );
    let outcome = state
        .pool
        .run(state.limits.timeout, async move {
            herlead_api::export::dashboard_csv(&store, &auth, header.as_deref(), &id).await
        })
        .await;
    let Ok(outcome) = outcome else {
        return error_body(
            HttpResponse::ServiceUnavailable(),
            ErrorCode::Internal,
            "the export took too long",
        );
    };
    match outcome {
        Ok(csv) => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"cohort-dashboard.csv\"",
            ))
            .body(csv),
        Err(err) => api_error(err),
    }
}

/// GET /calendar/{secret}.ics: her calendar feed. The secret in the address is the
/// credential (calendar apps send no headers); an unknown, rotated or disabled one is 404.
async fn calendar_feed(path: web::Path<String>, state: web::Data<AppState>) -> HttpResponse {
    let (store, secret) = (state.store.clone(), path.into_inner());
    let outcome = state
        .pool
        .run(state.limits.timeout, async move {
            herlead_api::calendar::calendar_ics(&store, &secret, herlead_store::now()).await
        })
        .await;
    let Ok(outcome) = outcome else {
        return error_body(
            HttpResponse::ServiceUnavailable(),
            ErrorCode::Internal,
            "the calendar took too long",
        );
    };
    match outcome {
        Ok(Some(ics)) => HttpResponse::Ok()
            .content_type("text/calendar; charset=utf-8")
            .body(ics),
        Ok(None) => error_body(
            HttpResponse::NotFound(),
            ErrorCode::NotFound,
            "no calendar feed has this address",
        ),
        Err(err) => api_error(err),
    }
}

async fn root(state: web::Data<AppState>) -> impl Responder {
    if !state.limits.graphiql {
        return HttpResponse::NotFound().finish();
    }
    HttpResponse::Found()
        .insert_header((header::LOCATION, "/graphiql"))
        .finish()
}

/// The operation name of a request (the first of a batch).
fn requests_operation(batch: &BatchRequest) -> Option<&str> {
    match batch {
        BatchRequest::Single(r) => r.operation_name.as_deref(),
        BatchRequest::Batch(list) => list.first().and_then(|r| r.operation_name.as_deref()),
    }
}

/// Gives every request an id (a sane incoming `X-Request-Id`, else a new one), runs it in a
/// tracing span carrying the id, method, path and GraphQL operation, and echoes the id.
pub(crate) async fn request_id(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    use tracing::Instrument;
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        path = %req.path(),
        operation = tracing::field::Empty,
    );
    let mut response = next.call(req).instrument(span).await?;
    if let Ok(value) = header::HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(header::HeaderName::from_static("x-request-id"), value);
    }
    Ok(response)
}

/// GET /metrics on the main address, unless it is served on its own
/// (`HERLEAD_METRICS_BIND`) or the server is in production mode.
async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    if !state.limits.metrics_here {
        return HttpResponse::NotFound().finish();
    }
    metrics_body(&state)
}

/// GET /metrics on the separate metrics address.
pub(crate) async fn metrics_only(state: web::Data<AppState>) -> HttpResponse {
    metrics_body(&state)
}

/// Prometheus text format.
fn metrics_body(state: &AppState) -> HttpResponse {
    let Some(m) = &state.metrics else {
        return HttpResponse::NotFound().finish();
    };
    let (size, idle) = state.store.pool_stats();
    m.pool
        .with_label_values(&["idle"])
        .set(i64::try_from(idle).unwrap_or(i64::MAX));
    m.pool
        .with_label_values(&["in_use"])
        .set(i64::from(size) - i64::try_from(idle).unwrap_or(0));
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(m.render())
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "alive" }))
}

async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match state.store.ping().await {
        Ok(()) => HttpResponse::Ok().json(json!({ "status": "ready" })),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            HttpResponse::ServiceUnavailable().json(json!({ "status": "database unavailable" }))
        }
    }
}
