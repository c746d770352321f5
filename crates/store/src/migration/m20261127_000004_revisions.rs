//! Revision counters: every write of a member's data bumps `users.revision` in its
//! transaction, and every change to a cohort's settings or membership bumps
//! `cohorts.revision`. One cheap statement over them tells whether a cohort's dashboard
//! could have changed since it was computed, on every replica.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Revision,
}

#[derive(DeriveIden)]
enum Cohorts {
    Table,
    Revision,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(big_integer(Users::Revision).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Cohorts::Table)
                    .add_column(big_integer(Cohorts::Revision).default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Cohorts::Table)
                    .drop_column(Cohorts::Revision)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::Revision)
                    .to_owned(),
            )
            .await
    }
}
