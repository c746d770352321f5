//! Her calendar feed's secret. Only its SHA-256 is stored; the feed is found by that hash, so
//! nothing compares secrets, and a stolen database gives no working feed address.

use chrono::{DateTime, Utc};
use herlead_core::UserId;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, sea_query::OnConflict};

use crate::{Store, StoreError, entity::calendar_feed};

impl Store {
    /// Turns her feed on with a new secret (by its hash), or replaces the secret: the old
    /// address stops working in the same statement.
    pub async fn set_calendar_secret(
        &self,
        user: UserId,
        secret_hash: String,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = crate::db_time(now);
        self.transaction(async |txn, _| {
            calendar_feed::Entity::insert(calendar_feed::ActiveModel {
                user_id: Set(user.0),
                secret_hash: Set(secret_hash),
                created_at: Set(now),
            })
            .on_conflict(
                OnConflict::column(calendar_feed::Column::UserId)
                    .update_columns([
                        calendar_feed::Column::SecretHash,
                        calendar_feed::Column::CreatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
            Ok(())
        })
        .await
    }

    /// Turns her feed off. Returns whether it was on.
    pub async fn disable_calendar(&self, user: UserId) -> Result<bool, StoreError> {
        self.transaction(async |txn, _| {
            Ok(calendar_feed::Entity::delete_by_id(user.0)
                .exec(txn)
                .await?
                .rows_affected
                == 1)
        })
        .await
    }

    /// When her current feed secret was made, if her feed is on.
    pub async fn calendar_since(&self, user: UserId) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(calendar_feed::Entity::find_by_id(user.0)
            .one(&self.db)
            .await?
            .map(|m| m.created_at))
    }

    /// Whose feed has the secret with this hash.
    pub async fn calendar_owner(&self, secret_hash: &str) -> Result<Option<UserId>, StoreError> {
        Ok(calendar_feed::Entity::find()
            .filter(calendar_feed::Column::SecretHash.eq(secret_hash))
            .one(&self.db)
            .await?
            .map(|m| UserId(m.user_id)))
    }
}
