//! Throwaway databases for tests: a SQLite file in a temporary directory, always, and a
//! fresh PostgreSQL database when `HERLEAD_TEST_POSTGRES_URL` names a server to create it
//! on. Each database is migrated, unique to its test, and deleted when dropped.

use sea_orm::{ConnectionTrait, Database};

use crate::{Backend, Store};

/// The variable naming a PostgreSQL server (an admin URL, such as
/// `postgres://postgres:postgres@127.0.0.1:5432/postgres`) that tests may create databases on.
pub const POSTGRES_ENV: &str = "HERLEAD_TEST_POSTGRES_URL";

/// A migrated database that exists for one test.
#[derive(Debug)]
pub struct TestDb {
    /// The store connected to it.
    pub store: Store,
    /// Its connection URL, for starting a server on it.
    pub url: String,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// Which engine this is, for assertion messages.
    pub fn backend(&self) -> Backend {
        self.store.backend()
    }
}

/// A fresh SQLite database file.
pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
    let store = connect(&url).await;
    TestDb {
        store,
        url,
        cleanup: Cleanup::Sqlite(dir),
    }
}

/// A fresh PostgreSQL database, when [`POSTGRES_ENV`] is set. Under CI (`CI` set) its absence
/// is a failure, so a misconfigured pipeline cannot silently test SQLite only.
pub async fn postgres() -> Option<TestDb> {
    let admin_url = match std::env::var(POSTGRES_ENV) {
        Ok(url) if !url.is_empty() => url,
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "{POSTGRES_ENV} must be set under CI so that PostgreSQL is tested"
            );
            return None;
        }
    };
    let name = format!("herlead_test_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(&admin_url)
        .await
        .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {POSTGRES_ENV}: {e}"));
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create test database");
    admin.close().await.ok();
    let url = with_database(&admin_url, &name);
    let store = connect(&url).await;
    Some(TestDb {
        store,
        url,
        cleanup: Cleanup::Postgres { admin_url, name },
    })
}

/// One fresh database per available engine: SQLite always, PostgreSQL when configured.
pub async fn all() -> Vec<TestDb> {
    let mut dbs = vec![sqlite().await];
    dbs.extend(postgres().await);
    dbs
}

/// Runs the real migrations followed by one that creates a table and then fails, as a
/// broken release would; returns the migration error. The database must be left exactly as
/// the real migrations left it.
pub async fn migrate_with_a_failing_step(store: &Store) -> sea_orm::DbErr {
    use sea_orm_migration::prelude::*;

    #[derive(DeriveMigrationName)]
    struct Broken;

    #[async_trait::async_trait]
    impl MigrationTrait for Broken {
        fn use_transaction(&self) -> Option<bool> {
            Some(true)
        }

        async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
            manager
                .create_table(
                    Table::create()
                        .table("half_done")
                        .col(ColumnDef::new("id").integer().not_null().primary_key())
                        .take(),
                )
                .await?;
            Err(DbErr::Migration("this release is broken".into()))
        }
    }

    struct WithBroken;

    #[async_trait::async_trait]
    impl MigratorTrait for WithBroken {
        fn migrations() -> Vec<Box<dyn MigrationTrait>> {
            let mut list = crate::migration::Migrator::migrations();
            list.push(Box::new(Broken));
            list
        }
    }

    WithBroken::up(&store.db, None)
        .await
        .expect_err("the broken step fails")
}

async fn connect(url: &str) -> Store {
    let store = Store::connect(url).await.expect("connect to test database");
    store.migrate().await.expect("migrate test database");
    store
}

fn with_database(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (admin_url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let root = match base[authority_start..].find('/') {
        Some(i) => &base[..authority_start + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
            let admin_url = admin_url.clone();
            let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            // Drop runs outside async context; a short-lived runtime on its own thread does
            // the cleanup without blocking the test's runtime.
            let handle = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(async {
                    if let Ok(admin) = Database::connect(&admin_url).await {
                        admin.execute_unprepared(&sql).await.ok();
                        admin.close().await.ok();
                    }
                });
            });
            handle.join().ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn test_with_database_replaces_the_path_and_keeps_the_query() {
        assert_eq!(
            with_database("postgres://u:p@127.0.0.1:5432/postgres", "t1"),
            "postgres://u:p@127.0.0.1:5432/t1"
        );
        assert_eq!(
            with_database("postgres://u:p@host/postgres?sslmode=require", "t1"),
            "postgres://u:p@host/t1?sslmode=require"
        );
        assert_eq!(with_database("postgres://host", "t1"), "postgres://host/t1");
    }
}
