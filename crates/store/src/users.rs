use std::collections::HashMap;

use chrono::{DateTime, Utc};
use herlead_core::{
    Role, User, UserId,
    input::{DisplayName, Email},
};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use uuid::Uuid;

use crate::{NewRefreshToken, Store, StoreError, convert::to_user, entity::user, sessions};

/// An account about to be created.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Identifier chosen by the caller (so tokens can be minted before the insert).
    pub id: UserId,
    /// Normalized email.
    pub email: Email,
    /// Display name.
    pub display_name: DisplayName,
    /// PHC string of the argon2id hash.
    pub password_hash: String,
    /// Initial role.
    pub role: Role,
    /// Creation time.
    pub now: DateTime<Utc>,
}

/// A user with the hash her password is checked against.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    /// The account.
    pub user: User,
    /// PHC string of the argon2id hash.
    pub password_hash: String,
}

impl Store {
    /// Creates an account and, when given, its first session in one transaction. A taken
    /// email is [`StoreError::Conflict`] and writes nothing.
    pub async fn create_user(
        &self,
        mut new: NewUser,
        session: Option<NewRefreshToken>,
    ) -> Result<User, StoreError> {
        new.now = crate::db_time(new.now);
        let id = new.id;
        self.transaction(async |txn, _| {
            let model = user::ActiveModel {
                id: Set(id.0),
                email: Set(new.email.as_str().to_owned()),
                display_name: Set(new.display_name.as_str().to_owned()),
                password_hash: Set(new.password_hash),
                role: Set(new.role.as_str().to_owned()),
                created_at: Set(new.now),
                updated_at: Set(new.now),
                revision: Set(0),
                // No contacts yet: her totals are known to be zero.
                network_totals: Set(Some(crate::convert::json_text(
                    &herlead_core::derived::Totals::default(),
                ))),
            };
            user::Entity::insert(model)
                .exec_without_returning(txn)
                .await
                .map_err(|e| StoreError::unique(e, "email"))?;
            if let Some(session) = session {
                sessions::insert(txn, id, session).await?;
            }
            Ok(())
        })
        .await?;
        Ok(User {
            id,
            email: new.email,
            display_name: new.display_name,
            role: new.role,
            created_at: new.now,
        })
    }

    /// The account with this id, if any.
    pub async fn user_by_id(&self, id: UserId) -> Result<Option<User>, StoreError> {
        user::Entity::find_by_id(id.0)
            .one(&self.db)
            .await?
            .map(to_user)
            .transpose()
    }

    /// The account registered with this email, with its password hash.
    pub async fn credentials_by_email(
        &self,
        email: &Email,
    ) -> Result<Option<UserCredentials>, StoreError> {
        let Some(model) = user::Entity::find()
            .filter(user::Column::Email.eq(email.as_str()))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let password_hash = model.password_hash.clone();
        Ok(Some(UserCredentials {
            user: to_user(model)?,
            password_hash,
        }))
    }

    /// The account with this id, with its password hash.
    pub async fn credentials_by_id(
        &self,
        id: UserId,
    ) -> Result<Option<UserCredentials>, StoreError> {
        let Some(model) = user::Entity::find_by_id(id.0).one(&self.db).await? else {
            return Ok(None);
        };
        let password_hash = model.password_hash.clone();
        Ok(Some(UserCredentials {
            user: to_user(model)?,
            password_hash,
        }))
    }

    /// Counts accounts (tests only).
    #[cfg(feature = "test-util")]
    pub async fn count_users(&self) -> Result<u64, StoreError> {
        use sea_orm::PaginatorTrait;
        Ok(user::Entity::find().count(&self.db).await?)
    }
}

impl Store {
    /// Changes a user's role. Returns whether the user exists.
    pub async fn set_role(&self, user: UserId, role: Role) -> Result<bool, StoreError> {
        self.transaction(async |txn, events| {
            let updated = user::Entity::update_many()
                .col_expr(user::Column::Role, Expr::value(role.as_str()))
                .col_expr(user::Column::UpdatedAt, Expr::value(crate::now()))
                .filter(user::Column::Id.eq(user.0))
                .filter(user::Column::Role.ne(role.as_str()))
                .exec(txn)
                .await?;
            // Her open sockets were opened under the old role: they end, and she reconnects.
            let raised = if updated.rows_affected == 1 {
                vec![crate::Event::SessionsEnded {
                    user: user.0,
                    family: None,
                }]
            } else {
                Vec::new()
            };
            events.extend(raised);
            Ok(updated.rows_affected == 1
                || user::Entity::find_by_id(user.0)
                    .one(&self.db)
                    .await?
                    .is_some())
        })
        .await
    }

    /// A user by email (for admin commands and co-coach invitations).
    pub async fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        Ok(self.credentials_by_email(email).await?.map(|c| c.user))
    }

    /// Accounts by id.
    pub(crate) async fn users_by_ids(
        &self,
        ids: Vec<Uuid>,
    ) -> Result<HashMap<Uuid, User>, StoreError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        user::Entity::find()
            .filter(crate::among(&self.db, user::Column::Id, ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| to_user(m).map(|u| (u.id.0, u)))
            .collect()
    }
}
