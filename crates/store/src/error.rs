use sea_orm::{DbErr, SqlErr};

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL names neither SQLite nor PostgreSQL.
    #[error("the database URL must start with sqlite: or postgres://")]
    UnsupportedUrl,
    /// The database could not be reached.
    #[error("cannot connect to the database")]
    Connect(#[source] DbErr),
    /// Applying migrations failed; the failed migration was rolled back.
    #[error("database migration failed")]
    Migration(#[source] DbErr),
    /// A unique value is already taken.
    #[error("{what} is already taken")]
    Conflict {
        /// What was duplicated, in the client's words (`email`).
        what: &'static str,
    },
    /// The referenced item does not exist or is not the user's.
    #[error("{what} not found")]
    NotFound {
        /// What was looked for (`contact`, `community` …).
        what: &'static str,
        /// The input field that referenced it.
        field: &'static str,
    },
    /// The request is understood but cannot be carried out in the state things are in (an
    /// import already confirmed, a preview expired): nothing changed.
    #[error("{message}")]
    Refused {
        /// The input field it is about.
        field: &'static str,
        /// What is in the way, in words for the person who asked.
        message: String,
    },
    /// Change notifications could not be set up (PostgreSQL LISTEN).
    #[error("cannot listen for change notifications: {0}")]
    Events(String),
    /// Stored data does not decode into a domain value: a bug or manual tampering.
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// Any other database failure.
    #[error("database error")]
    Database(#[from] DbErr),
}

impl StoreError {
    /// Maps a unique-constraint violation to [`StoreError::Conflict`]; other errors pass.
    pub(crate) fn unique(err: DbErr, what: &'static str) -> StoreError {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::Conflict { what },
            _ => StoreError::Database(err),
        }
    }
}
