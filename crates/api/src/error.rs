use std::error::Error as StdError;

use async_graphql::ErrorExtensions;
use herlead_core::ValidationError;
use herlead_store::StoreError;

/// The machine-readable code every GraphQL error carries in `extensions.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// No valid access token.
    Unauthenticated,
    /// Signed in, but not allowed.
    Forbidden,
    /// No such thing, or not one the viewer may see.
    NotFound,
    /// An input was refused; `extensions.field` names it when it is an argument field.
    Validation,
    /// A unique value is taken.
    Conflict,
    /// Too many requests.
    RateLimited,
    /// A failure on our side; details are in the server log, not the response.
    Internal,
}

impl ErrorCode {
    /// The code's wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::Validation => "VALIDATION",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::Internal => "INTERNAL",
        }
    }
}

/// An error a resolver returns. Client errors are shown as they are; internal ones are
/// logged with their cause chain and shown as a generic message.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No valid session.
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// Not allowed.
    #[error("you are not allowed to do this")]
    Forbidden,
    /// Not found, or not the viewer's: the two are never told apart.
    #[error("{what} not found")]
    NotFound {
        /// What was looked for.
        what: &'static str,
        /// The input field that named it.
        field: Option<&'static str>,
    },
    /// Bad input.
    #[error("{}", .0.message)]
    Validation(ValidationError),
    /// A unique value is taken.
    #[error("{message}")]
    Conflict {
        /// The input field holding the value.
        field: &'static str,
        /// What to tell the user.
        message: String,
    },
    /// Too many requests; retry after this many seconds.
    #[error("too many requests; retry in {retry_after} seconds")]
    RateLimited {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// Our fault.
    #[error("internal server error")]
    Internal(#[source] Box<dyn StdError + Send + Sync>),
}

impl ApiError {
    /// The error's code.
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::Unauthenticated(_) => ErrorCode::Unauthenticated,
            ApiError::Forbidden => ErrorCode::Forbidden,
            ApiError::NotFound { .. } => ErrorCode::NotFound,
            ApiError::Validation(_) => ErrorCode::Validation,
            ApiError::Conflict { .. } => ErrorCode::Conflict,
            ApiError::RateLimited { .. } => ErrorCode::RateLimited,
            ApiError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// Wraps any failure that is not the client's.
    pub fn internal(err: impl StdError + Send + Sync + 'static) -> Self {
        ApiError::Internal(Box::new(err))
    }

    /// Converts to the GraphQL error sent to the client, logging internal causes.
    pub fn into_graphql(self) -> async_graphql::Error {
        if let ApiError::Internal(cause) = &self {
            let mut chain = cause.to_string();
            let mut source = cause.source();
            while let Some(s) = source {
                chain.push_str(": ");
                chain.push_str(&s.to_string());
                source = s.source();
            }
            tracing::error!(error = %chain, "internal error while resolving a request");
        }
        let code = self.code().as_str();
        let field = match &self {
            ApiError::Validation(v) => Some(v.field),
            ApiError::Conflict { field, .. } => Some(*field),
            ApiError::NotFound { field, .. } => *field,
            _ => None,
        };
        let retry_after = match &self {
            ApiError::RateLimited { retry_after } => Some(*retry_after),
            _ => None,
        };
        async_graphql::Error::new(self.to_string()).extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(field) = field {
                ext.set("field", field);
            }
            if let Some(seconds) = retry_after {
                ext.set("retryAfter", seconds);
            }
        })
    }
}

impl ApiError {
    /// Not found (or not the viewer's), naming the input field.
    pub fn not_found(what: &'static str, field: &'static str) -> Self {
        ApiError::NotFound {
            what,
            field: Some(field),
        }
    }
}

impl From<ValidationError> for ApiError {
    fn from(err: ValidationError) -> Self {
        ApiError::Validation(err)
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict { what } => ApiError::Conflict {
                field: what,
                message: format!("this {what} is already registered"),
            },
            StoreError::NotFound { what, field } => ApiError::NotFound {
                what,
                field: Some(field),
            },
            other => ApiError::internal(other),
        }
    }
}

/// `?`-friendly conversion of any `Result` whose error becomes an [`ApiError`].
pub(crate) trait GqlResult<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T, E: Into<ApiError>> GqlResult<T> for Result<T, E> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|e| e.into().into_graphql())
    }
}
