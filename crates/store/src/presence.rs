//! Her online presence: website, e-mail signature, audiences and profiles. Every write runs
//! through [`Store::write_for`], so the rules see it in the same transaction.

use herlead_core::{
    UserId,
    presence::{Presence, Profile},
};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, sea_query::OnConflict};
use uuid::Uuid;

use crate::{
    Store, StoreError,
    convert::{json_text, profile_model, to_profile},
    entity::{presence, profile},
    snapshot::{load_presence, load_profiles},
};

impl Store {
    /// Her website, signature and audiences (empty until she sets them).
    pub async fn presence(&self, user: UserId) -> Result<Presence, StoreError> {
        load_presence(&self.db, user).await
    }

    /// Replaces her website, signature and audiences.
    pub async fn save_presence(
        &self,
        user: UserId,
        value: Presence,
    ) -> Result<Presence, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            presence::Entity::insert(presence::ActiveModel {
                user_id: Set(user.0),
                website: Set(value.website.as_ref().map(|u| u.as_str().to_owned())),
                email_signature: Set(value.email_signature.as_deref().map(str::to_owned)),
                audiences: Set(json_text(&value.audiences)),
                updated_at: Set(now),
            })
            .on_conflict(
                OnConflict::column(presence::Column::UserId)
                    .update_columns([
                        presence::Column::Website,
                        presence::Column::EmailSignature,
                        presence::Column::Audiences,
                        presence::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
            Ok(value.clone())
        })
        .await
    }

    /// Her profiles, oldest first.
    pub async fn profiles(&self, user: UserId) -> Result<Vec<Profile>, StoreError> {
        load_profiles(&self.db, user).await
    }

    /// One of her profiles.
    pub async fn profile(&self, user: UserId, id: Uuid) -> Result<Option<Profile>, StoreError> {
        profile::Entity::find_by_id(id)
            .filter(profile::Column::UserId.eq(user.0))
            .one(&self.db)
            .await?
            .map(to_profile)
            .transpose()
    }

    /// Adds a profile; a second one with the same platform and handle is a conflict.
    pub async fn add_profile(&self, user: UserId, value: Profile) -> Result<Profile, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            profile::Entity::insert(profile_model(user, &value, now))
                .exec_without_returning(txn)
                .await
                .map_err(|e| StoreError::unique(e, "handle"))?;
            Ok(value.clone())
        })
        .await
    }

    /// Replaces a profile's fields. `Ok(None)` when it is not hers.
    pub async fn update_profile(
        &self,
        user: UserId,
        value: Profile,
    ) -> Result<Option<Profile>, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            let mut model = profile_model(user, &value, now);
            model.created_at = sea_orm::ActiveValue::NotSet;
            let updated = profile::Entity::update_many()
                .set(model)
                .filter(profile::Column::Id.eq(value.id))
                .filter(profile::Column::UserId.eq(user.0))
                .exec(txn)
                .await
                .map_err(|e| StoreError::unique(e, "handle"))?;
            Ok((updated.rows_affected == 1).then(|| value.clone()))
        })
        .await
    }

    /// Deletes a profile. Returns whether it existed and was hers.
    pub async fn delete_profile(&self, user: UserId, id: Uuid) -> Result<bool, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            let deleted = profile::Entity::delete_many()
                .filter(profile::Column::Id.eq(id))
                .filter(profile::Column::UserId.eq(user.0))
                .exec(txn)
                .await?;
            Ok(deleted.rows_affected == 1)
        })
        .await
    }
}
