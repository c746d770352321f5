//! Her account's settings: password, display name, and ending her sessions. Every change
//! that ends sessions also tells every replica's open sockets of them.

use chrono::{DateTime, Utc};
use herlead_core::{User, UserId, input::DisplayName};
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    Event, Store, StoreError,
    convert::to_user,
    entity::{refresh_token, user},
};

/// Revokes her sign-ins other than `keep` (all of them when `None`) and returns the events
/// that close their sockets.
async fn end_sessions(
    txn: &DatabaseTransaction,
    user: UserId,
    keep: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, StoreError> {
    let mut live = refresh_token::Entity::find()
        .select_only()
        .column(refresh_token::Column::FamilyId)
        .distinct()
        .filter(refresh_token::Column::UserId.eq(user.0))
        .filter(refresh_token::Column::RevokedAt.is_null());
    let mut revoke = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::UserId.eq(user.0))
        .filter(refresh_token::Column::RevokedAt.is_null());
    if let Some(keep) = keep {
        live = live.filter(refresh_token::Column::FamilyId.ne(keep));
        revoke = revoke.filter(refresh_token::Column::FamilyId.ne(keep));
    }
    let families: Vec<Uuid> = live.into_tuple().all(txn).await?;
    revoke.exec(txn).await?;
    Ok(match keep {
        // Every sign-in of hers: one event covers them, even one whose token is long gone.
        None => vec![Event::SessionsEnded {
            user: user.0,
            family: None,
        }],
        Some(_) => families
            .into_iter()
            .map(|family| Event::SessionsEnded {
                user: user.0,
                family: Some(family),
            })
            .collect(),
    })
}

impl Store {
    /// Replaces her password hash and ends every sign-in of hers except `keep` (the one she
    /// changed it from), in one transaction. Returns whether the account exists.
    pub async fn change_password(
        &self,
        user: UserId,
        password_hash: String,
        keep: Uuid,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let now = crate::db_time(now);
        self.transaction(async |txn, events| {
            let updated = user::Entity::update_many()
                .col_expr(user::Column::PasswordHash, Expr::value(password_hash))
                .col_expr(user::Column::UpdatedAt, Expr::value(now))
                .filter(user::Column::Id.eq(user.0))
                .exec(txn)
                .await?;
            if updated.rows_affected != 1 {
                return Ok(false);
            }
            events.extend(end_sessions(txn, user, Some(keep), now).await?);
            Ok(true)
        })
        .await
    }

    /// Ends every sign-in of hers, on every device.
    pub async fn end_all_sessions(
        &self,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = crate::db_time(now);
        self.transaction(async |txn, events| {
            events.extend(end_sessions(txn, user, None, now).await?);
            Ok(())
        })
        .await
    }

    /// Changes her display name. It shows on her cohorts' dashboards, so this is a write of
    /// her data (her revision moves and cached dashboards know they are stale). `None` when
    /// the account does not exist.
    pub async fn set_display_name(
        &self,
        user: UserId,
        name: &DisplayName,
        now: DateTime<Utc>,
    ) -> Result<Option<User>, StoreError> {
        let now = crate::db_time(now);
        if self.user_by_id_in(user).await?.is_none() {
            return Ok(None);
        }
        self.write_for(user, now, async |txn, _| {
            user::Entity::update_many()
                .col_expr(user::Column::DisplayName, Expr::value(name.as_str()))
                .col_expr(user::Column::UpdatedAt, Expr::value(now))
                .filter(user::Column::Id.eq(user.0))
                .exec(txn)
                .await?;
            user::Entity::find_by_id(user.0)
                .one(txn)
                .await?
                .map(to_user)
                .transpose()
        })
        .await
    }

    async fn user_by_id_in(&self, user: UserId) -> Result<Option<user::Model>, StoreError> {
        Ok(user::Entity::find_by_id(user.0).one(&self.db).await?)
    }
}
