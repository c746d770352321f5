use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contacts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub name_search: String,
    pub sector: String,
    pub scope: String,
    pub industry: Option<String>,
    pub in_her_industry: bool,
    pub on_meet_list: bool,
    pub competitor: bool,
    pub values_alignment: String,
    pub tags: String,
    pub links: String,
    pub stage_override: Option<String>,
    pub stage: String,
    pub cadence_days: Option<i32>,
    /// Its history summed up (`ContactFacts` as JSON); NULL until first computed.
    pub facts: Option<String>,
    pub last_touch_at: Option<DateTimeUtc>,
    pub due_at: Option<DateTimeUtc>,
    pub gives: Option<i32>,
    pub first_unpreceded_ask_at: Option<DateTimeUtc>,
    /// JSON list of e-mail addresses.
    pub emails: String,
    pub company: Option<String>,
    pub job_title: Option<String>,
    pub connected_on: Option<Date>,
    /// The import batch that created it, if any.
    pub import_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
