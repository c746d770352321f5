use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cohorts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub stall_days: i32,
    #[sea_orm(unique)]
    pub invite_code: String,
    pub invite_expires_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    /// Bumped by every write that could change what a dashboard shows.
    pub revision: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
