//! Rate-limit counters shared by every replica on one PostgreSQL database: one row a key
//! holding its theoretical arrival time (GCRA). On PostgreSQL the table is UNLOGGED — a
//! crash may forget counters, which only forgives some requests, and no write-ahead log is
//! spent on them. SQLite (one process) keeps its counters in memory and never uses it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = match manager.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                "CREATE UNLOGGED TABLE rate_limits (key TEXT PRIMARY KEY, tat_ms BIGINT NOT NULL)"
            }
            _ => "CREATE TABLE rate_limits (key TEXT PRIMARY KEY, tat_ms BIGINT NOT NULL)",
        };
        manager.get_connection().execute_unprepared(sql).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE rate_limits")
            .await?;
        Ok(())
    }
}
