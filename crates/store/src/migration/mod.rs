//! Schema migrations. They run unchanged on SQLite and PostgreSQL, each inside a transaction
//! on both (SQLite's DDL is transactional too), so a failed migration changes nothing.

use sea_orm_migration::prelude::*;

mod m20261127_000001_initial;
mod m20261127_000002_social;
mod m20261127_000003_cohorts;
mod m20261127_000004_revisions;
mod m20261202_000005_rate_limits;
mod m20261202_000006_derived;
mod m20261202_000007_contact_details;
mod m20261202_000008_calendar_feeds;
mod m20261203_000009_imports;

/// Applies the migrations in order; see [`crate::Store::migrate`].
#[derive(Debug)]
pub(crate) struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_initial::Migration),
            Box::new(m20261127_000002_social::Migration),
            Box::new(m20261127_000003_cohorts::Migration),
            Box::new(m20261127_000004_revisions::Migration),
            Box::new(m20261202_000005_rate_limits::Migration),
            Box::new(m20261202_000006_derived::Migration),
            Box::new(m20261202_000007_contact_details::Migration),
            Box::new(m20261202_000008_calendar_feeds::Migration),
            Box::new(m20261203_000009_imports::Migration),
        ]
    }
}
