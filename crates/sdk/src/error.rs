//! The one error type foreign callers see, mapped from server responses in one place.

use serde_json::Value;

/// Why a call failed. (Not named `Error`: Kotlin would call it `ErrorException`.)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum HerLeadError {
    /// The server could not be reached, or answered with something that is not GraphQL.
    #[error("network ({kind:?}): {reason}{}", at(request_id))]
    Network {
        /// Which kind of failure: a timeout, a connection that could not be made, TLS, or an
        /// answer that is not GraphQL.
        kind: NetworkErrorKind,
        /// What went wrong.
        reason: String,
        /// The request's `X-Request-Id` (the SDK sends one with every request, and the server
        /// logs it), when the failure belongs to a request.
        request_id: Option<String>,
    },
    /// Not signed in, or the session ended: sign in again.
    #[error("unauthenticated: {reason}{}", at(request_id))]
    Unauthenticated {
        /// What the server said.
        reason: String,
        /// The request's `X-Request-Id`, to quote when reporting a problem (none for
        /// errors the SDK found before sending).
        request_id: Option<String>,
    },
    /// Signed in, but not allowed.
    #[error("forbidden: {reason}{}", at(request_id))]
    Forbidden {
        /// What the server said.
        reason: String,
        /// The request's `X-Request-Id`, to quote when reporting a problem (none for
        /// errors the SDK found before sending).
        request_id: Option<String>,
    },
    /// No such thing, or not one this account may see.
    #[error("not found: {reason}{}", at(request_id))]
    NotFound {
        /// What the server said.
        reason: String,
        /// The request's `X-Request-Id`, to quote when reporting a problem (none for
        /// errors the SDK found before sending).
        request_id: Option<String>,
    },
    /// An input was refused; `field` names it when the server did.
    #[error("invalid {field}: {reason}{}", at(request_id))]
    Validation {
        /// The input field at fault (empty when the whole request was refused).
        field: String,
        /// Why.
        reason: String,
        /// The request's `X-Request-Id`, to quote when reporting a problem (none for
        /// errors the SDK found before sending).
        request_id: Option<String>,
    },
    /// A unique value is taken (an email, a handle, a membership).
    #[error("conflict on {field}: {reason}{}", at(request_id))]
    Conflict {
        /// The input field holding the value.
        field: String,
        /// Why.
        reason: String,
        /// The request's `X-Request-Id`, to quote when reporting a problem (none for
        /// errors the SDK found before sending).
        request_id: Option<String>,
    },
    /// Too many requests; try again after `retry_after_seconds`.
    #[error("rate limited: {reason}{}", at(request_id))]
    RateLimited {
        /// Seconds to wait before retrying.
        retry_after_seconds: u32,
        /// What the server said.
        reason: String,
        /// The request's `X-Request-Id`, to quote when reporting a problem (none for
        /// errors the SDK found before sending).
        request_id: Option<String>,
    },
    /// The server failed; the details are in its log.
    #[error("server: {reason}{}", at(request_id))]
    Server {
        /// What the server said.
        reason: String,
        /// The request's `X-Request-Id`, to quote when reporting a problem (none for
        /// errors the SDK found before sending).
        request_id: Option<String>,
    },
}

/// What kind of network failure a [`HerLeadError::Network`] is, for an app that treats them
/// differently (retry a timeout, tell her she is offline, warn about a hostile network).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum NetworkErrorKind {
    /// The server took longer than `ClientOptions::timeout_seconds`.
    Timeout,
    /// No connection could be made: refused, unreachable, or the name does not resolve
    /// (she is offline, or the server is down).
    Connect,
    /// The TLS handshake failed: an untrusted or expired certificate, or a proxy in between.
    Tls,
    /// The server answered with something that is not a GraphQL answer (a proxy's page, a
    /// truncated body).
    BadAnswer,
    /// The connection broke some other way (reset mid-answer, say).
    Other,
}

/// The `(request …)` suffix of an error's text.
fn at(request_id: &Option<String>) -> String {
    request_id
        .as_deref()
        .map(|id| format!(" (request {id})"))
        .unwrap_or_default()
}

impl HerLeadError {
    /// Maps one GraphQL error (`{message, extensions: {code, field}}`) to a variant.
    pub(crate) fn from_graphql(error: &Value) -> Self {
        let reason = error["message"]
            .as_str()
            .unwrap_or("unknown error")
            .to_owned();
        let field = error["extensions"]["field"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        let request_id = None;
        match error["extensions"]["code"].as_str().unwrap_or("") {
            "UNAUTHENTICATED" => HerLeadError::Unauthenticated { reason, request_id },
            "FORBIDDEN" => HerLeadError::Forbidden { reason, request_id },
            "NOT_FOUND" => HerLeadError::NotFound { reason, request_id },
            "VALIDATION" => HerLeadError::Validation {
                field,
                reason,
                request_id,
            },
            "CONFLICT" => HerLeadError::Conflict {
                field,
                reason,
                request_id,
            },
            "RATE_LIMITED" => HerLeadError::RateLimited {
                retry_after_seconds: error["extensions"]["retryAfter"]
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .unwrap_or(1),
                reason,
                request_id,
            },
            _ => HerLeadError::Server { reason, request_id },
        }
    }

    /// A network failure of `kind`.
    pub(crate) fn network_of(kind: NetworkErrorKind, err: impl std::fmt::Display) -> Self {
        HerLeadError::Network {
            kind,
            reason: err.to_string(),
            request_id: None,
        }
    }

    /// A failure that is not a timeout, a refused connection or TLS.
    pub(crate) fn network(err: impl std::fmt::Display) -> Self {
        Self::network_of(NetworkErrorKind::Other, err)
    }

    /// A failure of the HTTP client, sorted into its kind.
    pub(crate) fn from_reqwest(err: reqwest::Error) -> Self {
        Self::network_of(NetworkErrorKind::of(&err), chain(&err))
    }

    /// A refused input found before anything was sent.
    pub(crate) fn validation(field: impl Into<String>, reason: impl Into<String>) -> Self {
        HerLeadError::Validation {
            field: field.into(),
            reason: reason.into(),
            request_id: None,
        }
    }

    /// Not signed in (or no longer).
    pub(crate) fn unauthenticated(reason: impl Into<String>) -> Self {
        HerLeadError::Unauthenticated {
            reason: reason.into(),
            request_id: None,
        }
    }

    /// The server failed, or answered what it should not have.
    pub(crate) fn server(reason: impl Into<String>) -> Self {
        HerLeadError::Server {
            reason: reason.into(),
            request_id: None,
        }
    }

    /// The error, carrying the id of the request it belongs to (kept if it has one).
    pub(crate) fn with_request_id(mut self, id: &str) -> Self {
        match &mut self {
            HerLeadError::Network { request_id, .. }
            | HerLeadError::Unauthenticated { request_id, .. }
            | HerLeadError::Forbidden { request_id, .. }
            | HerLeadError::NotFound { request_id, .. }
            | HerLeadError::Validation { request_id, .. }
            | HerLeadError::Conflict { request_id, .. }
            | HerLeadError::RateLimited { request_id, .. }
            | HerLeadError::Server { request_id, .. } => {
                request_id.get_or_insert_with(|| id.to_owned());
            }
        }
        self
    }

    /// The `X-Request-Id` of the request that failed, if the failure belongs to one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            HerLeadError::Network { request_id, .. }
            | HerLeadError::Unauthenticated { request_id, .. }
            | HerLeadError::Forbidden { request_id, .. }
            | HerLeadError::NotFound { request_id, .. }
            | HerLeadError::Validation { request_id, .. }
            | HerLeadError::Conflict { request_id, .. }
            | HerLeadError::RateLimited { request_id, .. }
            | HerLeadError::Server { request_id, .. } => request_id.as_deref(),
        }
    }
}

impl NetworkErrorKind {
    /// Sorts a failure of the HTTP client: its own flags, then the TLS library's errors in
    /// the chain of causes (reqwest reports a failed handshake as a connect error).
    fn of(err: &reqwest::Error) -> Self {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
        while let Some(cause) = source {
            if cause.downcast_ref::<rustls::Error>().is_some() {
                return NetworkErrorKind::Tls;
            }
            // An io::Error's `source()` skips the error it wraps: look inside, however deep
            // (the TLS stream wraps rustls' error in one, the connector in another).
            let mut io = cause.downcast_ref::<std::io::Error>();
            while let Some(inner) = io.and_then(std::io::Error::get_ref) {
                if inner.is::<rustls::Error>() {
                    return NetworkErrorKind::Tls;
                }
                io = inner.downcast_ref::<std::io::Error>();
            }
            source = cause.source();
        }
        if err.is_timeout() {
            NetworkErrorKind::Timeout
        } else if err.is_connect() {
            NetworkErrorKind::Connect
        } else if err.is_decode() {
            NetworkErrorKind::BadAnswer
        } else {
            NetworkErrorKind::Other
        }
    }
}

/// An error with its causes, `outer: inner: innermost` (reqwest's own text says only "error
/// sending request").
fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn test_every_server_code_maps_to_a_variant() {
        let e = |code: &str| json!({"message": "m", "extensions": {"code": code, "field": "email", "retryAfter": 7}});
        assert_eq!(
            HerLeadError::from_graphql(&e("UNAUTHENTICATED")),
            HerLeadError::Unauthenticated {
                reason: "m".into(),
                request_id: None
            }
        );
        assert_eq!(
            HerLeadError::from_graphql(&e("FORBIDDEN")),
            HerLeadError::Forbidden {
                reason: "m".into(),
                request_id: None
            }
        );
        assert_eq!(
            HerLeadError::from_graphql(&e("NOT_FOUND")),
            HerLeadError::NotFound {
                reason: "m".into(),
                request_id: None
            }
        );
        assert_eq!(
            HerLeadError::from_graphql(&e("VALIDATION")),
            HerLeadError::Validation {
                field: "email".into(),
                reason: "m".into(),
                request_id: None
            }
        );
        assert_eq!(
            HerLeadError::from_graphql(&e("CONFLICT")),
            HerLeadError::Conflict {
                field: "email".into(),
                reason: "m".into(),
                request_id: None
            }
        );
        assert_eq!(
            HerLeadError::from_graphql(&e("RATE_LIMITED")),
            HerLeadError::RateLimited {
                retry_after_seconds: 7,
                reason: "m".into(),
                request_id: None
            }
        );
        assert_eq!(
            HerLeadError::from_graphql(&e("INTERNAL")),
            HerLeadError::Server {
                reason: "m".into(),
                request_id: None
            }
        );
        assert_eq!(
            HerLeadError::from_graphql(&json!({})),
            HerLeadError::Server {
                reason: "unknown error".into(),
                request_id: None
            }
        );
    }
}
