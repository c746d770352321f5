//! Derived state kept write by write, so that a write costs the same at any network size:
//! each contact's facts (its history summed up, as JSON), the last touch and the date a touch
//! is due (indexed, for "due to reconnect"), and each member's totals over her contacts (as
//! JSON on her user row). NULL means "not computed yet": the first write after the upgrade
//! computes them from scratch (`store::derived::ensure`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    NetworkTotals,
}

#[derive(DeriveIden)]
enum Contacts {
    Table,
    UserId,
    Facts,
    LastTouchAt,
    DueAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(text_null(Users::NetworkTotals))
                    .to_owned(),
            )
            .await?;
        for column in [
            text_null(Contacts::Facts),
            timestamp_with_time_zone_null(Contacts::LastTouchAt),
            timestamp_with_time_zone_null(Contacts::DueAt),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(Contacts::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_contacts_due")
                    .table(Contacts::Table)
                    .col(Contacts::UserId)
                    .col(Contacts::DueAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("idx_contacts_due").to_owned())
            .await?;
        for column in [Contacts::DueAt, Contacts::LastTouchAt, Contacts::Facts] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Contacts::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::NetworkTotals)
                    .to_owned(),
            )
            .await
    }
}
