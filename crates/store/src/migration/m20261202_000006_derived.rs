//! Derived state kept write by write, so that a write costs the same at any network size:
//! each contact's facts (its history summed up, as JSON), the last touch and the date a touch
//! is due (indexed, for "due to reconnect"), and each member's totals over her contacts (as
//! JSON on her user row), and the two facts recommendations filter on (gives, her first ask
//! no give preceded), indexed with the meet list and competitors. NULL means "not computed yet": the first write after the upgrade
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
    Id,
    UserId,
    OnMeetList,
    Competitor,
    Facts,
    LastTouchAt,
    DueAt,
    Gives,
    FirstUnprecededAskAt,
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
            integer_null(Contacts::Gives),
            timestamp_with_time_zone_null(Contacts::FirstUnprecededAskAt),
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
            .await?;
        for (name, columns) in [
            (
                "idx_contacts_meet",
                [Contacts::UserId, Contacts::OnMeetList, Contacts::Id],
            ),
            (
                "idx_contacts_competitor",
                [Contacts::UserId, Contacts::Competitor, Contacts::Id],
            ),
            (
                "idx_contacts_asked",
                [
                    Contacts::UserId,
                    Contacts::FirstUnprecededAskAt,
                    Contacts::Id,
                ],
            ),
        ] {
            let mut index = Index::create().name(name).table(Contacts::Table).to_owned();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }
        // Contacts with a touch still ahead (a planned meeting): their due date moves when
        // it passes, so reads recompute them.
        manager
            .create_index(
                Index::create()
                    .name("idx_contacts_last_touch")
                    .table(Contacts::Table)
                    .col(Contacts::UserId)
                    .col(Contacts::LastTouchAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for index in [
            "idx_contacts_asked",
            "idx_contacts_competitor",
            "idx_contacts_meet",
            "idx_contacts_last_touch",
            "idx_contacts_due",
        ] {
            manager
                .drop_index(Index::drop().name(index).to_owned())
                .await?;
        }
        for column in [
            Contacts::FirstUnprecededAskAt,
            Contacts::Gives,
            Contacts::DueAt,
            Contacts::LastTouchAt,
            Contacts::Facts,
        ] {
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
