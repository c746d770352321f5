use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "imports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    /// `LINKEDIN`, `VCARD` or `GOOGLE_CSV`.
    pub format: String,
    pub file_name: Option<String>,
    /// `PREVIEW`, `CONFIRMED` or `UNDONE`.
    pub status: String,
    /// The uploaded file, while the batch is a preview.
    pub content: Option<Vec<u8>>,
    pub encoding: String,
    pub parsed_rows: i32,
    pub rejected_rows: i32,
    pub created: i32,
    pub updated: i32,
    pub unchanged: i32,
    /// What undoing the batch restores on the contacts it updated (JSON).
    pub restore: Option<String>,
    pub created_at: DateTimeUtc,
    pub confirmed_at: Option<DateTimeUtc>,
    pub undone_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
