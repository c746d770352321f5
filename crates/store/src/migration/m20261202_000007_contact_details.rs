//! What a contact file brings, on the contact row: e-mails, company, job title, the day she
//! connected, and the import batch a contact came from. An unclassified contact (imported,
//! no sector or scope yet) stores its sector and scope as the empty string: SQLite cannot
//! drop a NOT NULL constraint without rebuilding the table.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Contacts {
    Table,
    UserId,
    Emails,
    Company,
    JobTitle,
    ConnectedOn,
    ImportId,
    Sector,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            text(Contacts::Emails).default("[]").to_owned(),
            text_null(Contacts::Company),
            text_null(Contacts::JobTitle),
            date_null(Contacts::ConnectedOn),
            uuid_null(Contacts::ImportId),
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
        for (name, table, columns) in [
            (
                "idx_contacts_import",
                Contacts::Table.into_iden(),
                vec![Contacts::UserId.into_iden(), Contacts::ImportId.into_iden()],
            ),
            (
                "idx_contacts_sector",
                Contacts::Table.into_iden(),
                vec![Contacts::UserId.into_iden(), Contacts::Sector.into_iden()],
            ),
        ] {
            let mut index = Index::create().name(name).table(table).to_owned();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for index in ["idx_contacts_sector", "idx_contacts_import"] {
            manager
                .drop_index(Index::drop().name(index).to_owned())
                .await?;
        }
        for column in [
            Contacts::ImportId,
            Contacts::ConnectedOn,
            Contacts::JobTitle,
            Contacts::Company,
            Contacts::Emails,
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
        Ok(())
    }
}
