//! The one error type foreign callers see, mapped from server responses in one place.

use serde_json::Value;

/// Why a call failed. (Not named `Error`: Kotlin would call it `ErrorException`.)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum HerLeadError {
    /// The server could not be reached, or answered with something that is not GraphQL.
    #[error("network: {message}")]
    Network {
        /// What went wrong.
        message: String,
    },
    /// Not signed in, or the session ended: sign in again.
    #[error("unauthenticated: {message}")]
    Unauthenticated {
        /// What the server said.
        message: String,
    },
    /// Signed in, but not allowed.
    #[error("forbidden: {message}")]
    Forbidden {
        /// What the server said.
        message: String,
    },
    /// No such thing, or not one this account may see.
    #[error("not found: {message}")]
    NotFound {
        /// What the server said.
        message: String,
    },
    /// An input was refused; `field` names it when the server did.
    #[error("invalid {field}: {message}")]
    Validation {
        /// The input field at fault (empty when the whole request was refused).
        field: String,
        /// Why.
        message: String,
    },
    /// A unique value is taken (an email, a handle, a membership).
    #[error("conflict on {field}: {message}")]
    Conflict {
        /// The input field holding the value.
        field: String,
        /// Why.
        message: String,
    },
    /// Too many requests; try again after `retry_after_seconds`.
    #[error("rate limited: {message}")]
    RateLimited {
        /// Seconds to wait before retrying.
        retry_after_seconds: u32,
        /// What the server said.
        message: String,
    },
    /// The server failed; the details are in its log.
    #[error("server: {message}")]
    Server {
        /// What the server said.
        message: String,
    },
}

impl HerLeadError {
    /// Maps one GraphQL error (`{message, extensions: {code, field}}`) to a variant.
    pub(crate) fn from_graphql(error: &Value) -> Self {
        let message = error["message"]
            .as_str()
            .unwrap_or("unknown error")
            .to_owned();
        let field = error["extensions"]["field"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        match error["extensions"]["code"].as_str().unwrap_or("") {
            "UNAUTHENTICATED" => HerLeadError::Unauthenticated { message },
            "FORBIDDEN" => HerLeadError::Forbidden { message },
            "NOT_FOUND" => HerLeadError::NotFound { message },
            "VALIDATION" => HerLeadError::Validation { field, message },
            "CONFLICT" => HerLeadError::Conflict { field, message },
            "RATE_LIMITED" => HerLeadError::RateLimited {
                retry_after_seconds: error["extensions"]["retryAfter"]
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .unwrap_or(1),
                message,
            },
            _ => HerLeadError::Server { message },
        }
    }

    pub(crate) fn network(err: impl std::fmt::Display) -> Self {
        HerLeadError::Network {
            message: err.to_string(),
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
            HerLeadError::Unauthenticated {
                message: "m".into()
            }
        );
        assert_eq!(
            HerLeadError::from_graphql(&e("FORBIDDEN")),
            HerLeadError::Forbidden {
                message: "m".into()
            }
        );
        assert_eq!(
            HerLeadError::from_graphql(&e("NOT_FOUND")),
            HerLeadError::NotFound {
                message: "m".into()
            }
        );
        assert_eq!(
            HerLeadError::from_graphql(&e("VALIDATION")),
            HerLeadError::Validation {
                field: "email".into(),
                message: "m".into()
            }
        );
        assert_eq!(
            HerLeadError::from_graphql(&e("CONFLICT")),
            HerLeadError::Conflict {
                field: "email".into(),
                message: "m".into()
            }
        );
        assert_eq!(
            HerLeadError::from_graphql(&e("RATE_LIMITED")),
            HerLeadError::RateLimited {
                retry_after_seconds: 7,
                message: "m".into()
            }
        );
        assert_eq!(
            HerLeadError::from_graphql(&e("INTERNAL")),
            HerLeadError::Server {
                message: "m".into()
            }
        );
        assert_eq!(
            HerLeadError::from_graphql(&json!({})),
            HerLeadError::Server {
                message: "unknown error".into()
            }
        );
    }
}
