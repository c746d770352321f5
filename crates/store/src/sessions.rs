//! Refresh-token sessions: stored hashed, rotated on every use, with reuse detection that
//! revokes the whole family of a token presented twice.

use chrono::{DateTime, Utc};
use herlead_core::{User, UserId};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr,
};
use uuid::Uuid;

use crate::{Event, Store, StoreError, convert::to_user, entity::refresh_token};

/// A refresh token about to be stored. Only its hash is kept.
#[derive(Debug, Clone)]
pub struct NewRefreshToken {
    /// The sign-in (token family) it belongs to: a fresh id for a new sign-in. When a token
    /// is rotated, the presented token's family continues and this is not read.
    pub family: Uuid,
    /// SHA-256 of the token, hex-encoded.
    pub token_hash: String,
    /// When it was issued.
    pub now: DateTime<Utc>,
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
}

/// What presenting a refresh token led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RotateOutcome {
    /// The token was valid; it is now used up and the replacement was stored in the same
    /// family (the second value).
    Rotated(User, Uuid),
    /// No such token.
    Unknown,
    /// The token is past its expiry.
    Expired,
    /// The token's family was revoked (logout, or an earlier reuse).
    Revoked,
    /// The token had already been used: someone holds a copy. The family is now revoked.
    Reused,
}

pub(crate) async fn insert(
    conn: &impl ConnectionTrait,
    user: UserId,
    token: NewRefreshToken,
) -> Result<(), StoreError> {
    insert_in_family(conn, user, token.family, token).await
}

async fn insert_in_family(
    conn: &impl ConnectionTrait,
    user: UserId,
    family_id: Uuid,
    token: NewRefreshToken,
) -> Result<(), StoreError> {
    refresh_token::Entity::insert(refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        family_id: Set(family_id),
        user_id: Set(user.0),
        token_hash: Set(token.token_hash),
        created_at: Set(token.now),
        expires_at: Set(token.expires_at),
        used_at: Set(None),
        revoked_at: Set(None),
    })
    .exec_without_returning(conn)
    .await
    .map_err(|e| StoreError::unique(e, "refresh token"))?;
    Ok(())
}

async fn revoke_family(
    conn: &impl ConnectionTrait,
    family_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::FamilyId.eq(family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

impl Store {
    /// Starts a new session (a new token family) for a user.
    pub async fn create_session(
        &self,
        user: UserId,
        token: NewRefreshToken,
    ) -> Result<(), StoreError> {
        insert(&self.db, user, token).await
    }

    /// Exchanges the token whose hash is `presented_hash` for `replacement`, in one
    /// transaction. See [`RotateOutcome`] for what can happen.
    pub async fn rotate_session(
        &self,
        presented_hash: &str,
        replacement: NewRefreshToken,
    ) -> Result<RotateOutcome, StoreError> {
        let now = replacement.now;
        self.transaction(async |txn, events| {
            let Some(token) = refresh_token::Entity::find()
                .filter(refresh_token::Column::TokenHash.eq(presented_hash))
                .one(txn)
                .await?
            else {
                return Ok(RotateOutcome::Unknown);
            };
            if token.revoked_at.is_some() {
                return Ok(RotateOutcome::Revoked);
            }
            if token.used_at.is_some() {
                revoke_family_and_tell(txn, events, token.user_id, token.family_id, now).await?;
                return Ok(RotateOutcome::Reused);
            }
            if token.expires_at <= now {
                return Ok(RotateOutcome::Expired);
            }
            // Claim the token; losing this race to a concurrent refresh is a reuse as well.
            let claimed = refresh_token::Entity::update_many()
                .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
                .filter(refresh_token::Column::Id.eq(token.id))
                .filter(refresh_token::Column::UsedAt.is_null())
                .filter(refresh_token::Column::RevokedAt.is_null())
                .exec(txn)
                .await?;
            if claimed.rows_affected != 1 {
                revoke_family_and_tell(txn, events, token.user_id, token.family_id, now).await?;
                return Ok(RotateOutcome::Reused);
            }
            let user = crate::entity::user::Entity::find_by_id(token.user_id)
                .one(txn)
                .await?
                .ok_or_else(|| {
                    StoreError::Corrupt(format!("token of missing user {}", token.user_id))
                })?;
            insert_in_family(txn, UserId(token.user_id), token.family_id, replacement).await?;
            Ok(RotateOutcome::Rotated(to_user(user)?, token.family_id))
        })
        .await
    }

    /// Whether the sign-in `family` still has a usable token: not revoked, not expired.
    pub async fn session_is_live(
        &self,
        family: Uuid,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(refresh_token::Entity::find()
            .filter(refresh_token::Column::FamilyId.eq(family))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .filter(refresh_token::Column::ExpiresAt.gt(now))
            .one(&self.db)
            .await?
            .is_some())
    }

    /// Ends the session the token belongs to, revoking its whole family. Returns whether a
    /// live session was ended (`false` for unknown or already revoked tokens).
    pub async fn end_session(
        &self,
        presented_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.transaction(async |txn, events| {
            let Some(token) = refresh_token::Entity::find()
                .filter(refresh_token::Column::TokenHash.eq(presented_hash))
                .one(txn)
                .await?
            else {
                return Ok(false);
            };
            if token.revoked_at.is_some() {
                return Ok(false);
            }
            revoke_family_and_tell(txn, events, token.user_id, token.family_id, now).await?;
            Ok(true)
        })
        .await
    }

    /// How many tokens of the user are still usable (not used, revoked or expired).
    #[cfg(feature = "test-util")]
    pub async fn live_session_count(
        &self,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        use sea_orm::PaginatorTrait;
        Ok(refresh_token::Entity::find()
            .filter(refresh_token::Column::UserId.eq(user.0))
            .filter(refresh_token::Column::UsedAt.is_null())
            .filter(refresh_token::Column::RevokedAt.is_null())
            .filter(refresh_token::Column::ExpiresAt.gt(now))
            .count(&self.db)
            .await?)
    }
}

/// Revokes a sign-in's token family and tells every replica's open sockets of it.
async fn revoke_family_and_tell(
    txn: &sea_orm::DatabaseTransaction,
    events: &mut Vec<Event>,
    user: Uuid,
    family: Uuid,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    revoke_family(txn, family, now).await?;
    events.push(Event::SessionsEnded {
        user,
        family: Some(family),
    });
    Ok(())
}
