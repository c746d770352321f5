//! Import batches: a contact file she uploaded, kept while she looks at its preview, and what
//! confirming it did (so it can be undone). The file itself is deleted when the batch is
//! confirmed or discarded; a batch goes with her account.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Imports {
    Table,
    Id,
    UserId,
    Format,
    FileName,
    Status,
    Content,
    Encoding,
    ParsedRows,
    RejectedRows,
    Created,
    Updated,
    Unchanged,
    Restore,
    CreatedAt,
    ConfirmedAt,
    UndoneAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Imports::Table)
                    .col(pk_uuid(Imports::Id))
                    .col(uuid(Imports::UserId))
                    .col(string_len(Imports::Format, 16))
                    .col(string_len_null(Imports::FileName, 255))
                    .col(string_len(Imports::Status, 16))
                    .col(blob_null(Imports::Content))
                    .col(string_len(Imports::Encoding, 16))
                    .col(integer(Imports::ParsedRows))
                    .col(integer(Imports::RejectedRows))
                    .col(integer(Imports::Created).default(0))
                    .col(integer(Imports::Updated).default(0))
                    .col(integer(Imports::Unchanged).default(0))
                    .col(text_null(Imports::Restore))
                    .col(timestamp_with_time_zone(Imports::CreatedAt))
                    .col(timestamp_with_time_zone_null(Imports::ConfirmedAt))
                    .col(timestamp_with_time_zone_null(Imports::UndoneAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Imports::Table, Imports::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_imports_user")
                    .table(Imports::Table)
                    .col(Imports::UserId)
                    .col(Imports::CreatedAt)
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Imports::Table).take())
            .await
    }
}
