//! Users, refresh tokens, task progress and the append-only progress history.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    DisplayName,
    PasswordHash,
    Role,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    FamilyId,
    UserId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum TaskProgress {
    Table,
    UserId,
    TaskKey,
    Status,
    Note,
    UpdatedAt,
    CompletedAt,
}

#[derive(DeriveIden)]
enum ProgressEvents {
    Table,
    Id,
    UserId,
    TaskKey,
    FromStatus,
    ToStatus,
    Note,
    OccurredAt,
}

fn user_fk(from: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(Users::Table, Users::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(pk_uuid(Users::Id))
                    .col(string_len_uniq(Users::Email, 254))
                    .col(string_len(Users::DisplayName, 80))
                    .col(text(Users::PasswordHash))
                    .col(string_len(Users::Role, 16))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone(Users::UpdatedAt))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .col(pk_uuid(RefreshTokens::Id))
                    .col(uuid(RefreshTokens::FamilyId))
                    .col(uuid(RefreshTokens::UserId))
                    .col(string_len_uniq(RefreshTokens::TokenHash, 64))
                    .col(timestamp_with_time_zone(RefreshTokens::CreatedAt))
                    .col(timestamp_with_time_zone(RefreshTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(RefreshTokens::UsedAt))
                    .col(timestamp_with_time_zone_null(RefreshTokens::RevokedAt))
                    .foreign_key(&mut user_fk((RefreshTokens::Table, RefreshTokens::UserId)))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_refresh_tokens_family")
                    .table(RefreshTokens::Table)
                    .col(RefreshTokens::FamilyId)
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_refresh_tokens_user")
                    .table(RefreshTokens::Table)
                    .col(RefreshTokens::UserId)
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TaskProgress::Table)
                    .col(uuid(TaskProgress::UserId))
                    .col(string_len(TaskProgress::TaskKey, 64))
                    .col(string_len(TaskProgress::Status, 16))
                    .col(text_null(TaskProgress::Note))
                    .col(timestamp_with_time_zone(TaskProgress::UpdatedAt))
                    .col(timestamp_with_time_zone_null(TaskProgress::CompletedAt))
                    .primary_key(
                        Index::create()
                            .col(TaskProgress::UserId)
                            .col(TaskProgress::TaskKey),
                    )
                    .foreign_key(&mut user_fk((TaskProgress::Table, TaskProgress::UserId)))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProgressEvents::Table)
                    .col(big_pk_auto(ProgressEvents::Id))
                    .col(uuid(ProgressEvents::UserId))
                    .col(string_len(ProgressEvents::TaskKey, 64))
                    .col(string_len(ProgressEvents::FromStatus, 16))
                    .col(string_len(ProgressEvents::ToStatus, 16))
                    .col(text_null(ProgressEvents::Note))
                    .col(timestamp_with_time_zone(ProgressEvents::OccurredAt))
                    .foreign_key(&mut user_fk((
                        ProgressEvents::Table,
                        ProgressEvents::UserId,
                    )))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_progress_events_user_time")
                    .table(ProgressEvents::Table)
                    .col(ProgressEvents::UserId)
                    .col(ProgressEvents::OccurredAt)
                    .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ProgressEvents::Table.into_iden(),
            TaskProgress::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
