//! The social capital model: presence, profiles, contacts, interactions, communities, meetings.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ProgressEvents {
    Table,
    Source,
}

#[derive(DeriveIden)]
enum Presence {
    Table,
    UserId,
    Website,
    EmailSignature,
    Audiences,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Profiles {
    Table,
    Id,
    UserId,
    Platform,
    Handle,
    Url,
    DisplayName,
    Tagline,
    PictureUrl,
    WebsiteLink,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Contacts {
    Table,
    Id,
    UserId,
    Name,
    NameSearch,
    Sector,
    Scope,
    Industry,
    InHerIndustry,
    OnMeetList,
    Competitor,
    ValuesAlignment,
    Tags,
    Links,
    StageOverride,
    Stage,
    CadenceDays,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Interactions {
    Table,
    Id,
    UserId,
    ContactId,
    Kind,
    OccurredAt,
    Note,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Communities {
    Table,
    Id,
    UserId,
    Name,
    Kind,
    Role,
    Link,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Meetings {
    Table,
    Id,
    UserId,
    CommunityId,
    OccurredAt,
    InPerson,
    Notes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MeetingAttendees {
    Table,
    MeetingId,
    ContactId,
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

fn index(name: &str, table: impl IntoIden, cols: Vec<DynIden>) -> IndexCreateStatement {
    let mut index = Index::create().name(name).table(table).take();
    for col in cols {
        index.col(col);
    }
    index
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ProgressEvents::Table)
                    .add_column(string_len(ProgressEvents::Source, 16).default("MEMBER"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Presence::Table)
                    .col(pk_uuid(Presence::UserId))
                    .col(text_null(Presence::Website))
                    .col(text_null(Presence::EmailSignature))
                    .col(text(Presence::Audiences))
                    .col(timestamp_with_time_zone(Presence::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Presence::Table, Presence::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Profiles::Table)
                    .col(pk_uuid(Profiles::Id))
                    .col(uuid(Profiles::UserId))
                    .col(string_len(Profiles::Platform, 32))
                    .col(string_len(Profiles::Handle, 100))
                    .col(text(Profiles::Url))
                    .col(string_len_null(Profiles::DisplayName, 80))
                    .col(string_len_null(Profiles::Tagline, 200))
                    .col(text_null(Profiles::PictureUrl))
                    .col(text_null(Profiles::WebsiteLink))
                    .col(timestamp_with_time_zone(Profiles::CreatedAt))
                    .col(timestamp_with_time_zone(Profiles::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Profiles::Table, Profiles::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "idx_profiles_user_platform_handle",
                    Profiles::Table,
                    vec![
                        Profiles::UserId.into_iden(),
                        Profiles::Platform.into_iden(),
                        Profiles::Handle.into_iden(),
                    ],
                )
                .unique()
                .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Contacts::Table)
                    .col(pk_uuid(Contacts::Id))
                    .col(uuid(Contacts::UserId))
                    .col(string_len(Contacts::Name, 120))
                    .col(string_len(Contacts::NameSearch, 120))
                    .col(string_len(Contacts::Sector, 16))
                    .col(string_len(Contacts::Scope, 16))
                    .col(string_len_null(Contacts::Industry, 100))
                    .col(boolean(Contacts::InHerIndustry))
                    .col(boolean(Contacts::OnMeetList))
                    .col(boolean(Contacts::Competitor))
                    .col(string_len(Contacts::ValuesAlignment, 16))
                    .col(text(Contacts::Tags))
                    .col(text(Contacts::Links))
                    .col(string_len_null(Contacts::StageOverride, 16))
                    .col(string_len(Contacts::Stage, 16))
                    .col(integer_null(Contacts::CadenceDays))
                    .col(timestamp_with_time_zone(Contacts::CreatedAt))
                    .col(timestamp_with_time_zone(Contacts::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Contacts::Table, Contacts::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_contacts_user",
                Contacts::Table,
                vec![Contacts::UserId.into_iden(), Contacts::Id.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Interactions::Table)
                    .col(pk_uuid(Interactions::Id))
                    .col(uuid(Interactions::UserId))
                    .col(uuid(Interactions::ContactId))
                    .col(string_len(Interactions::Kind, 24))
                    .col(timestamp_with_time_zone(Interactions::OccurredAt))
                    .col(text_null(Interactions::Note))
                    .col(timestamp_with_time_zone(Interactions::CreatedAt))
                    .foreign_key(&mut fk(
                        (Interactions::Table, Interactions::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Interactions::Table, Interactions::ContactId),
                        (Contacts::Table, Contacts::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_interactions_user",
                Interactions::Table,
                vec![Interactions::UserId.into_iden()],
            ))
            .await?;
        manager
            .create_index(index(
                "idx_interactions_contact",
                Interactions::Table,
                vec![
                    Interactions::ContactId.into_iden(),
                    Interactions::OccurredAt.into_iden(),
                ],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Communities::Table)
                    .col(pk_uuid(Communities::Id))
                    .col(uuid(Communities::UserId))
                    .col(string_len(Communities::Name, 120))
                    .col(string_len(Communities::Kind, 16))
                    .col(string_len(Communities::Role, 16))
                    .col(text_null(Communities::Link))
                    .col(timestamp_with_time_zone(Communities::CreatedAt))
                    .col(timestamp_with_time_zone(Communities::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Communities::Table, Communities::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_communities_user",
                Communities::Table,
                vec![Communities::UserId.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Meetings::Table)
                    .col(pk_uuid(Meetings::Id))
                    .col(uuid(Meetings::UserId))
                    .col(uuid(Meetings::CommunityId))
                    .col(timestamp_with_time_zone(Meetings::OccurredAt))
                    .col(boolean(Meetings::InPerson))
                    .col(text_null(Meetings::Notes))
                    .col(timestamp_with_time_zone(Meetings::CreatedAt))
                    .foreign_key(&mut fk(
                        (Meetings::Table, Meetings::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Meetings::Table, Meetings::CommunityId),
                        (Communities::Table, Communities::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_meetings_user",
                Meetings::Table,
                vec![Meetings::UserId.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MeetingAttendees::Table)
                    .col(uuid(MeetingAttendees::MeetingId))
                    .col(uuid(MeetingAttendees::ContactId))
                    .primary_key(
                        Index::create()
                            .col(MeetingAttendees::MeetingId)
                            .col(MeetingAttendees::ContactId),
                    )
                    .foreign_key(&mut fk(
                        (MeetingAttendees::Table, MeetingAttendees::MeetingId),
                        (Meetings::Table, Meetings::Id),
                    ))
                    .foreign_key(&mut fk(
                        (MeetingAttendees::Table, MeetingAttendees::ContactId),
                        (Contacts::Table, Contacts::Id),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_meeting_attendees_contact",
                MeetingAttendees::Table,
                vec![MeetingAttendees::ContactId.into_iden()],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            MeetingAttendees::Table.into_iden(),
            Meetings::Table.into_iden(),
            Communities::Table.into_iden(),
            Interactions::Table.into_iden(),
            Contacts::Table.into_iden(),
            Profiles::Table.into_iden(),
            Presence::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).take())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(ProgressEvents::Table)
                    .drop_column(ProgressEvents::Source)
                    .take(),
            )
            .await?;
        Ok(())
    }
}
