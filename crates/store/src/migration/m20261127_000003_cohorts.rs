//! Coaching: cohorts, their coaches and members, cohort tasks, and nudges.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Cohorts {
    Table,
    Id,
    Name,
    Description,
    StartsOn,
    EndsOn,
    StallDays,
    InviteCode,
    InviteExpiresAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CohortCoaches {
    Table,
    CohortId,
    UserId,
    IsOwner,
    AddedAt,
}

#[derive(DeriveIden)]
enum CohortMembers {
    Table,
    CohortId,
    UserId,
    Sharing,
    JoinedAt,
}

#[derive(DeriveIden)]
enum CohortTasks {
    Table,
    Id,
    CohortId,
    Title,
    Guidance,
    Step,
    DueOn,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CohortTaskStatuses {
    Table,
    TaskId,
    UserId,
    Status,
    UpdatedAt,
    CompletedAt,
}

#[derive(DeriveIden)]
enum Nudges {
    Table,
    Id,
    CohortId,
    CoachId,
    MemberId,
    Message,
    TaskKey,
    CreatedAt,
    ReadAt,
}

fn fk(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
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
                    .table(Cohorts::Table)
                    .col(pk_uuid(Cohorts::Id))
                    .col(string_len(Cohorts::Name, 120))
                    .col(text_null(Cohorts::Description))
                    .col(date_null(Cohorts::StartsOn))
                    .col(date_null(Cohorts::EndsOn))
                    .col(integer(Cohorts::StallDays))
                    .col(string_len_uniq(Cohorts::InviteCode, 32))
                    .col(timestamp_with_time_zone(Cohorts::InviteExpiresAt))
                    .col(timestamp_with_time_zone(Cohorts::CreatedAt))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CohortCoaches::Table)
                    .col(uuid(CohortCoaches::CohortId))
                    .col(uuid(CohortCoaches::UserId))
                    .col(boolean(CohortCoaches::IsOwner))
                    .col(timestamp_with_time_zone(CohortCoaches::AddedAt))
                    .primary_key(
                        Index::create()
                            .col(CohortCoaches::CohortId)
                            .col(CohortCoaches::UserId),
                    )
                    .foreign_key(&mut fk(
                        (CohortCoaches::Table, CohortCoaches::CohortId),
                        (Cohorts::Table, Cohorts::Id),
                    ))
                    .foreign_key(&mut fk(
                        (CohortCoaches::Table, CohortCoaches::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_cohort_coaches_user")
                    .table(CohortCoaches::Table)
                    .col(CohortCoaches::UserId)
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CohortMembers::Table)
                    .col(uuid(CohortMembers::CohortId))
                    .col(uuid(CohortMembers::UserId))
                    .col(string_len(CohortMembers::Sharing, 32))
                    .col(timestamp_with_time_zone(CohortMembers::JoinedAt))
                    .primary_key(
                        Index::create()
                            .col(CohortMembers::CohortId)
                            .col(CohortMembers::UserId),
                    )
                    .foreign_key(&mut fk(
                        (CohortMembers::Table, CohortMembers::CohortId),
                        (Cohorts::Table, Cohorts::Id),
                    ))
                    .foreign_key(&mut fk(
                        (CohortMembers::Table, CohortMembers::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_cohort_members_user")
                    .table(CohortMembers::Table)
                    .col(CohortMembers::UserId)
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CohortTasks::Table)
                    .col(pk_uuid(CohortTasks::Id))
                    .col(uuid(CohortTasks::CohortId))
                    .col(string_len(CohortTasks::Title, 120))
                    .col(text_null(CohortTasks::Guidance))
                    .col(string_len(CohortTasks::Step, 32))
                    .col(date_null(CohortTasks::DueOn))
                    .col(uuid(CohortTasks::CreatedBy))
                    .col(timestamp_with_time_zone(CohortTasks::CreatedAt))
                    .foreign_key(&mut fk(
                        (CohortTasks::Table, CohortTasks::CohortId),
                        (Cohorts::Table, Cohorts::Id),
                    ))
                    .foreign_key(&mut fk(
                        (CohortTasks::Table, CohortTasks::CreatedBy),
                        (Users::Table, Users::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_cohort_tasks_cohort")
                    .table(CohortTasks::Table)
                    .col(CohortTasks::CohortId)
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CohortTaskStatuses::Table)
                    .col(uuid(CohortTaskStatuses::TaskId))
                    .col(uuid(CohortTaskStatuses::UserId))
                    .col(string_len(CohortTaskStatuses::Status, 16))
                    .col(timestamp_with_time_zone(CohortTaskStatuses::UpdatedAt))
                    .col(timestamp_with_time_zone_null(
                        CohortTaskStatuses::CompletedAt,
                    ))
                    .primary_key(
                        Index::create()
                            .col(CohortTaskStatuses::TaskId)
                            .col(CohortTaskStatuses::UserId),
                    )
                    .foreign_key(&mut fk(
                        (CohortTaskStatuses::Table, CohortTaskStatuses::TaskId),
                        (CohortTasks::Table, CohortTasks::Id),
                    ))
                    .foreign_key(&mut fk(
                        (CohortTaskStatuses::Table, CohortTaskStatuses::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Nudges::Table)
                    .col(pk_uuid(Nudges::Id))
                    .col(uuid(Nudges::CohortId))
                    .col(uuid(Nudges::CoachId))
                    .col(uuid(Nudges::MemberId))
                    .col(text(Nudges::Message))
                    .col(string_len_null(Nudges::TaskKey, 64))
                    .col(timestamp_with_time_zone(Nudges::CreatedAt))
                    .col(timestamp_with_time_zone_null(Nudges::ReadAt))
                    .foreign_key(&mut fk(
                        (Nudges::Table, Nudges::CohortId),
                        (Cohorts::Table, Cohorts::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Nudges::Table, Nudges::CoachId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Nudges::Table, Nudges::MemberId),
                        (Users::Table, Users::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_nudges_member")
                    .table(Nudges::Table)
                    .col(Nudges::MemberId)
                    .col(Nudges::CreatedAt)
                    .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Nudges::Table.into_iden(),
            CohortTaskStatuses::Table.into_iden(),
            CohortTasks::Table.into_iden(),
            CohortMembers::Table.into_iden(),
            CohortCoaches::Table.into_iden(),
            Cohorts::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        Ok(())
    }
}
