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
///
/// Deliberately not `Display`: async-graphql turns anything `Display` into an error without
/// `extensions`, so an `ApiError` only ever reaches a client through the one conversion below
/// (`From<ApiError> for async_graphql::Error`). Resolvers return [`Result`] and use plain `?`.
#[derive(Debug)]
pub enum ApiError {
    /// No valid session.
    Unauthenticated(&'static str),
    /// Not allowed.
    Forbidden,
    /// Not found, or not the viewer's: the two are never told apart.
    NotFound {
        /// What was looked for.
        what: &'static str,
        /// The input field that named it.
        field: Option<&'static str>,
    },
    /// Bad input.
    Validation(ValidationError),
    /// An uploaded file that cannot be read at all (VALIDATION on `file`).
    File {
        /// Why, as a stable code (`TOO_LARGE`, `EMPTY`, `BINARY`, `MISSING_HEADER`, …).
        reason: &'static str,
        /// What is wrong, in words.
        message: String,
    },
    /// A unique value is taken, or the state of things refuses the request (CONFLICT).
    Conflict {
        /// The input field holding the value.
        field: &'static str,
        /// What to tell the user.
        message: String,
    },
    /// Too many requests; retry after this many seconds.
    RateLimited {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// Our fault.
    Internal(Box<dyn StdError + Send + Sync>),
}

/// What resolvers return: any error that converts into [`ApiError`] works with `?`.
pub(crate) type Result<T, E = ApiError> = std::result::Result<T, E>;

impl ApiError {
    /// The error's code.
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::Unauthenticated(_) => ErrorCode::Unauthenticated,
            ApiError::Forbidden => ErrorCode::Forbidden,
            ApiError::NotFound { .. } => ErrorCode::NotFound,
            ApiError::Validation(_) | ApiError::File { .. } => ErrorCode::Validation,
            ApiError::Conflict { .. } => ErrorCode::Conflict,
            ApiError::RateLimited { .. } => ErrorCode::RateLimited,
            ApiError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// What the client is told (internal causes never are).
    pub fn message(&self) -> String {
        match self {
            ApiError::Unauthenticated(message) => (*message).to_owned(),
            ApiError::Forbidden => "you are not allowed to do this".to_owned(),
            ApiError::NotFound { what, .. } => format!("{what} not found"),
            ApiError::Validation(v) => v.message.to_string(),
            ApiError::Conflict { message, .. } | ApiError::File { message, .. } => message.clone(),
            ApiError::RateLimited { retry_after } => {
                format!("too many requests; retry in {retry_after} seconds")
            }
            ApiError::Internal(_) => "internal server error".to_owned(),
        }
    }

    /// The input field the error is about, if any (`extensions.field`).
    pub fn field(&self) -> Option<&'static str> {
        match self {
            ApiError::Validation(v) => Some(v.field),
            ApiError::Conflict { field, .. } => Some(*field),
            ApiError::File { .. } => Some("file"),
            ApiError::NotFound { field, .. } => *field,
            _ => None,
        }
    }

    /// Seconds to wait before retrying (`extensions.retryAfter`), if rate limited.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::RateLimited { retry_after } => Some(*retry_after),
            _ => None,
        }
    }

    /// Wraps any failure that is not the client's.
    pub fn internal(err: impl StdError + Send + Sync + 'static) -> Self {
        ApiError::Internal(Box::new(err))
    }

    /// Not found (or not the viewer's), naming the input field.
    pub fn not_found(what: &'static str, field: &'static str) -> Self {
        ApiError::NotFound {
            what,
            field: Some(field),
        }
    }

    /// Logs an internal error with its cause chain; client errors are not logged. Every
    /// conversion to a response calls it once.
    pub fn log(&self) {
        if let ApiError::Internal(cause) = self {
            let mut chain = cause.to_string();
            let mut source = cause.source();
            while let Some(s) = source {
                chain.push_str(": ");
                chain.push_str(&s.to_string());
                source = s.source();
            }
            tracing::error!(error = %chain, "internal error while resolving a request");
        }
    }
}

/// The one place an [`ApiError`] becomes the GraphQL error a client sees: the message,
/// `extensions.code`, and `extensions.field` / `extensions.retryAfter` when they apply.
/// Internal errors are logged here with their cause chain.
impl From<ApiError> for async_graphql::Error {
    fn from(err: ApiError) -> Self {
        err.log();
        let code = err.code().as_str();
        let field = err.field();
        let retry_after = err.retry_after();
        let reason = match &err {
            ApiError::File { reason, .. } => Some(*reason),
            _ => None,
        };
        async_graphql::Error::new(err.message()).extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(field) = field {
                ext.set("field", field);
            }
            if let Some(seconds) = retry_after {
                ext.set("retryAfter", seconds);
            }
            if let Some(reason) = reason {
                ext.set("reason", reason);
            }
        })
    }
}

impl ApiError {
    /// The error as a response error at `pos`, for errors raised outside a resolver
    /// (extensions, transports); goes through the same conversion.
    pub fn into_server_error(self, pos: async_graphql::Pos) -> async_graphql::ServerError {
        async_graphql::Error::from(self).into_server_error(pos)
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
            StoreError::Refused { field, message } => ApiError::Conflict { field, message },
            StoreError::NotFound { what, field } => ApiError::NotFound {
                what,
                field: Some(field),
            },
            other => ApiError::internal(other),
        }
    }
}
