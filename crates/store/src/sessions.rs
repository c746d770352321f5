//! Refresh-token sessions: stored hashed, rotated on every use, with reuse detection that
//! revokes the whole family of a token presented twice — except within
//! [`REFRESH_RACE_GRACE`] of its use while its replacement is still unused, which is two
//! clients of one sign-in (an app and its background job sharing a token store) refreshing
//! at the same moment, not a stolen copy: that answer grants nothing and ends nothing.

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

/// How long after a refresh token was exchanged a second presentation counts as a sibling
/// client's race rather than a reuse, while the token it was exchanged for is still unused.
pub const REFRESH_RACE_GRACE: chrono::Duration = chrono::Duration::seconds(30);

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
    /// The token was exchanged moments ago (within [`REFRESH_RACE_GRACE`]) and what it was
    /// exchanged for is still unused: another client of the same sign-in won the race. Nothing
    /// is granted and nothing is revoked; the caller should read the tokens its sibling saved.
    Raced,
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
            if let Some(used_at) = token.used_at {
                if now - used_at < REFRESH_RACE_GRACE
                    && replacement_unused(txn, token.family_id, used_at).await?
                {
                    return Ok(RotateOutcome::Raced);
                }
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

/// Whether the family's token issued when one was used at `used_at` is still unused (and
/// nothing newer exists): the exchange it took part in is the family's latest.
async fn replacement_unused(
    conn: &impl ConnectionTrait,
    family: Uuid,
    used_at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let newer = refresh_token::Entity::find()
        .filter(refresh_token::Column::FamilyId.eq(family))
        .filter(refresh_token::Column::CreatedAt.gte(used_at))
        .all(conn)
        .await?;
    Ok(newer.len() == 1 && newer[0].used_at.is_none() && newer[0].revoked_at.is_none())
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
