//! HerLead persistence.
//!
//! [`Store`] wraps a sea-orm connection pool to SQLite (the embedded default) or PostgreSQL
//! and exposes the operations the API needs. It speaks core types only: sea-orm entities and
//! errors stay inside this crate. Every write that touches more than one row runs in one
//! transaction.

// The bottom layer: tables, errors, conversions, loaders. Nothing here imports a module
// above it (`tests/store.rs` checks the whole graph; see "Layers" in the crate docs).
mod convert;
mod entity;
mod error;
mod events;
mod migration;
mod snapshot;
mod task_records;
// Derived state kept write by write.
mod derived;
// The rules, run inside every write of a member's data, and the one write path.
mod sync;
mod write;
// Features: one module per capability, each an `impl Store` block.
mod account;
#[cfg(feature = "bench")]
mod bench;
mod calendar;
mod cohort_tasks;
mod cohorts;
mod communities;
mod contacts;
mod digests;
mod erasure;
mod guidance;
mod imports;
mod interactions;
mod nudges;
mod presence;
mod progress;
mod rate_limits;
mod sessions;
#[cfg(feature = "test-util")]
pub mod testing;
mod users;

use std::time::Duration;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};
use sea_orm_migration::MigratorTrait;

#[cfg(feature = "bench")]
pub use bench::HandWrittenAggregates;
pub use cohorts::{CohortFingerprint, CohortMember};
pub use contacts::{ContactFilter, ContactPage, DeletedContact, PageRequest};
pub use digests::MemberDigest;
pub use erasure::Erasure;
pub use error::StoreError;
pub use events::{Event, EventSource};
pub use imports::{ImportBatch, ImportPreview, ImportStatus, PREVIEW_TTL, PREVIEWS_MAX};
pub use progress::{ProgressEvent, ProgressEventPage};
pub use sessions::{NewRefreshToken, REFRESH_RACE_GRACE, RotateOutcome};
pub use snapshot::RuleData;
pub use task_records::TaskStatusChange;
pub use users::{NewUser, UserCredentials};

/// The current time at the precision both engines store (microseconds), so that a value
/// written and a value read back compare equal.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    db_time(chrono::Utc::now())
}

pub(crate) fn db_time(t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    t.trunc_subsecs(6)
}

/// Which database engine a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite: the embedded default, one file.
    Sqlite,
    /// PostgreSQL: production.
    Postgres,
}

/// The database behind HerLead.
#[derive(Debug, Clone)]
pub struct Store {
    db: DatabaseConnection,
    backend: Backend,
    statements: std::sync::Arc<std::sync::atomic::AtomicU64>,
    events: std::sync::Arc<events::Hub>,
    writer: std::sync::Arc<write::Writer>,
    rate_checks: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Store {
    /// Connects to `url`: `sqlite://path?mode=rwc` or `postgres://…`.
    ///
    /// SQLite connections use write-ahead logging with `synchronous=FULL` (a commit is on disk
    /// before it is acknowledged, even across a power cut), enforce foreign keys and wait up to
    /// five seconds for a lock instead of failing at once.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        Store::connect_with(url, Duration::from_millis(200)).await
    }

    /// Like [`Store::connect`], logging statements slower than `slow_query` as warnings.
    pub async fn connect_with(url: &str, slow_query: Duration) -> Result<Store, StoreError> {
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl);
        };
        let mut options = ConnectOptions::new(url);
        options
            .sqlx_logging(true)
            .sqlx_logging_level(log::LevelFilter::Trace)
            .sqlx_slow_statements_logging_settings(log::LevelFilter::Warn, slow_query)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(10));
        if backend == Backend::Sqlite {
            options.max_connections(8).map_sqlx_sqlite_opts(|opts| {
                opts.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5))
            });
        } else {
            options.max_connections(16);
        }
        let mut db = Database::connect(options)
            .await
            .map_err(StoreError::Connect)?;
        let statements = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counter = statements.clone();
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });
        Ok(Store {
            db,
            backend,
            statements,
            events: events::Hub::new(url, backend),
            writer: std::sync::Arc::new(write::Writer::default()),
            rate_checks: std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0)),
        })
    }

    /// Applies pending migrations. Safe to run again: applied ones are skipped.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        migration::Migrator::up(&self.db, None)
            .await
            .map_err(StoreError::Migration)
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.db.ping().await.map_err(StoreError::from)
    }

    /// Starts a write of one user's data: bumps her revision (so a cached dashboard that
    /// shows her knows it is stale, on every replica) and, by the same `UPDATE`, takes her row
    /// lock on PostgreSQL, so concurrent requests of hers re-evaluate her rules one after the
    /// other and never record the same change twice. SQLite writes already take turns; there
    /// the `UPDATE` takes the database's write lock at the start of the transaction.
    pub(crate) async fn lock_user(
        &self,
        conn: &impl ConnectionTrait,
        user: herlead_core::UserId,
    ) -> Result<(), StoreError> {
        use sea_orm::{
            ColumnTrait, EntityTrait, QueryFilter,
            sea_query::{Expr, ExprTrait},
        };
        entity::user::Entity::update_many()
            .col_expr(
                entity::user::Column::Revision,
                Expr::col(entity::user::Column::Revision).add(1),
            )
            .filter(entity::user::Column::Id.eq(user.0))
            .exec(conn)
            .await?;
        Ok(())
    }

    /// Connections in the pool, and how many of them are idle.
    pub fn pool_stats(&self) -> (u32, usize) {
        match self.backend {
            Backend::Sqlite => {
                let pool = self.db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
            Backend::Postgres => {
                let pool = self.db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
        }
    }

    /// Live change notifications: this process's writes on SQLite, every replica's on
    /// PostgreSQL (through LISTEN/NOTIFY, started on first use).
    pub async fn subscribe(&self) -> Result<tokio::sync::broadcast::Receiver<Event>, StoreError> {
        self.events.subscribe().await
    }

    /// The engine behind this store.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(self) -> Result<(), StoreError> {
        self.db.close().await.map_err(StoreError::from)
    }

    /// Runs one raw statement that returns a single text value, for diagnostics and tests
    /// (`PRAGMA journal_mode`, `SHOW server_version`).
    #[cfg(feature = "test-util")]
    pub async fn query_text(&self, sql: &str) -> Result<Option<String>, StoreError> {
        let backend: DbBackend = self.db.get_database_backend();
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(backend, sql))
            .await?;
        match row {
            Some(row) => {
                let value: Result<String, _> = row.try_get_by_index(0);
                match value {
                    Ok(text) => Ok(Some(text)),
                    Err(_) => Ok(Some(row.try_get_by_index::<i64>(0)?.to_string())),
                }
            }
            None => Ok(None),
        }
    }
}

/// `column IN (ids)`: on PostgreSQL as `column = ANY($1)` with one array parameter, because a
/// list of a thousand bind parameters costs the client tens of milliseconds per statement
/// (measured: 45 ms for 1,000 ids, against about 1 ms for the server's own work); on SQLite
/// as the plain list.
pub(crate) fn among<C: sea_orm::ColumnTrait>(
    conn: &impl ConnectionTrait,
    column: C,
    ids: Vec<uuid::Uuid>,
) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::{Expr, ExprTrait, extension::postgres::PgFunc};
    match conn.get_database_backend() {
        DbBackend::Postgres => Expr::col(column.as_column_ref()).eq(PgFunc::any(Expr::val(ids))),
        _ => column.is_in(ids),
    }
}

#[cfg(test)]
mod layer_tests {
    use std::{collections::HashMap, path::Path};

    /// The crate's modules from the bottom up. A module may use modules of lower layers only:
    /// not its own layer's, not a higher one's. That rules out import circles.
    const LAYERS: &[&[&str]] = &[
        &["entity", "error", "migration"],
        &["convert", "events"],
        &["snapshot", "task_records"],
        &["derived"],
        &["sync"],
        &["write"],
        &[
            "account",
            "bench",
            "calendar",
            "cohort_tasks",
            "cohorts",
            "communities",
            "contacts",
            "digests",
            "erasure",
            "guidance",
            "imports",
            "interactions",
            "nudges",
            "presence",
            "progress",
            "rate_limits",
            "sessions",
            "testing",
        ],
        &["users"],
    ];

    /// The first identifier of each path after `crate::` in `text` (`crate::a::b` gives `a`,
    /// `crate::{a, b::c}` gives `a` and `b`).
    fn crate_paths(text: &str) -> Vec<String> {
        let ident = |s: &str| -> String {
            s.chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect()
        };
        let mut out = Vec::new();
        for (at, _) in text.match_indices("crate::") {
            let rest = &text[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let (mut depth, mut item_start) = (0usize, true);
                for (i, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => item_start = true,
                        c if item_start && !c.is_whitespace() => {
                            out.push(ident(&group[i..]));
                            item_start = false;
                        }
                        _ => {}
                    }
                }
            } else {
                out.push(ident(rest));
            }
        }
        out
    }

    fn sources(path: &Path, out: &mut String) {
        if path.is_dir() {
            for entry in std::fs::read_dir(path).expect("readable").flatten() {
                sources(&entry.path(), out);
            }
        } else if path.is_file() && path.extension().is_some_and(|e| e == "rs") {
            out.push_str(&std::fs::read_to_string(path).expect("utf-8"));
        }
    }

    #[test]
    fn test_modules_only_use_lower_layers() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let layer: HashMap<&str, usize> = LAYERS
            .iter()
            .enumerate()
            .flat_map(|(n, names)| names.iter().map(move |m| (*m, n)))
            .collect();
        // Names the crate root re-exports resolve to the module they come from.
        let root = std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
        let mut owner: HashMap<String, &str> = HashMap::new();
        for line in root.lines().filter(|l| l.starts_with("pub use ")) {
            let module = line["pub use ".len()..].split("::").next().unwrap_or("");
            if let Some((m, _)) = layer.get_key_value(module) {
                for name in crate_paths(&format!("crate::{}", &line[8 + module.len() + 2..])) {
                    owner.insert(name, m);
                }
            }
        }
        assert!(owner.contains_key("EventSource"), "re-exports were read");
        let mut found = Vec::new();
        for (module, n) in &layer {
            let mut text = String::new();
            sources(&src.join(format!("{module}.rs")), &mut text);
            sources(&src.join(module), &mut text);
            assert!(!text.is_empty(), "module {module} has sources");
            for name in crate_paths(&text) {
                let used = layer
                    .get_key_value(name.as_str())
                    .map(|(m, _)| *m)
                    .or_else(|| owner.get(&name).copied());
                if let Some(used) = used
                    && used != *module
                    && layer[used] >= *n
                {
                    found.push(format!("{module} uses {used}"));
                }
            }
        }
        found.sort();
        found.dedup();
        assert!(
            found.is_empty(),
            "modules using their own layer or a higher one: {found:?}"
        );
    }

    #[test]
    fn test_crate_paths_reads_use_groups() {
        assert_eq!(
            crate_paths("use crate::{Store, convert::{a, b}, entity::user};\ncrate::sync::sync(x)"),
            ["Store", "convert", "entity", "sync"]
        );
    }
}
