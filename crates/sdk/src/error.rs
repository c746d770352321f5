//! The one error type foreign callers see, mapped from server responses in one place.

use serde_json::Value;

/// Why a call failed. (Not named `Error`: Kotlin would call it `ErrorException`.)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum HerLeadError {
    /// The server could not be reached, or answered with something that is not GraphQL.
    #[error("network: {reason}")]
    Network {
        /// What went wrong.
        reason: String,
    },
    /// Not signed in, or the session ended: sign in again.
    #[error("unauthenticated: {reason}")]
    Unauthenticated {
        /// What the server said.
        reason: String,
    },
    /// Signed in, but not allowed.
    #[error("forbidden: {reason}")]
    Forbidden {
        /// What the server said.
        reason: String,
    },
    /// No such thing, or not one this account may see.
    #[error("not found: {reason}")]
    NotFound {
        /// What the server said.
        reason: String,
    },
    /// An input was refused; `field` names it when the server did.
    #[error("invalid {field}: {reason}")]
    Validation {
        /// The input field at fault (empty when the whole request was refused).
        field: String,
        /// Why.
        reason: String,
    },
    /// A unique value is taken (an email, a handle, a membership).
    #[error("conflict on {field}: {reason}")]
    Conflict {
        /// The input field holding the value.
        field: String,
        /// Why.
        reason: String,
    },
    /// Too many requests; try again after `retry_after_seconds`.
    #[error("rate limited: {reason}")]
    RateLimited {
        /// Seconds to wait before retrying.
        retry_after_seconds: u32,
        /// What the server said.
        reason: String,
    },
    /// The server failed; the details are in its log.
    #[error("server: {reason}")]
    Server {
        /// What the server said.
        reason: String,
    },
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
        match error["extensions"]["code"].as_str().unwrap_or("") {
            "UNAUTHENTICATED" => HerLeadError::Unauthenticated { reason },
            "FORBIDDEN" => HerLeadError::Forbidden { reason },
            "NOT_FOUND" => HerLeadError::NotFound { reason },
            "VALIDATION" => HerLeadError::Validation { field, reason },
            "CONFLICT" => HerLeadError::Conflict { field, reason },
            "RATE_LIMITED" => HerLeadError::RateLimited {
                retry_after_seconds: error["extensions"]["retryAfter"]
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .unwrap_or(1),
                reason,
            },
            _ => HerLeadError::Server { reason },
        }
    }

    pub(crate) fn network(err: impl std::fmt::Display) -> Self {
        HerLeadError::Network {
            reason: err.to_string(),
        }
    }
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
            HerLeadError::Unauthenticated { reason: "m".into() }
        );
        assert_eq!(
            HerLeadError::from_graphql(&e("FORBIDDEN")),
            HerLeadError::Forbidden { reason: "m".into() }
        );
        assert_eq!(
            HerLeadError::from_graphql(&e("NOT_FOUND")),
            HerLeadError::NotFound { reason: "m".into() }
        );
        assert_eq!(
            HerLeadError::from_graphql(&e("VALIDATION")),
            HerLeadError::Validation {
                field: "email".into(),
                reason: "m".into()
            }
        );
        assert_eq!(
            HerLeadError::from_graphql(&e("CONFLICT")),
            HerLeadError::Conflict {
                field: "email".into(),
                reason: "m".into()
            }
        );
        assert_eq!(
            HerLeadError::from_graphql(&e("RATE_LIMITED")),
            HerLeadError::RateLimited {
                retry_after_seconds: 7,
                reason: "m".into()
            }
        );
        assert_eq!(
            HerLeadError::from_graphql(&e("INTERNAL")),
            HerLeadError::Server { reason: "m".into() }
        );
        assert_eq!(
            HerLeadError::from_graphql(&json!({})),
            HerLeadError::Server {
                reason: "unknown error".into()
            }
        );
    }
}
