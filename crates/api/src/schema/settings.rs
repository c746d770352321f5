//! Her account's settings: password, display name, signing out everywhere.

use async_graphql::{Context, Object};
use herlead_core::{
    UserId,
    input::{DisplayName, PASSWORD_MAX_LEN, Password},
};

use crate::{ApiError, error::Result};

use super::{
    common::{check_account_rate, check_auth_rate, invalid, services, viewer},
    types::UserView,
};

/// Checks her password as `login` does (same hashing, same quotas). A wrong one is a
/// VALIDATION error on `field`, not UNAUTHENTICATED: her session is fine, the input is not.
pub(crate) async fn verify_own_password(
    ctx: &Context<'_>,
    user: UserId,
    field: &'static str,
    password: &str,
) -> Result<herlead_store::UserCredentials> {
    check_auth_rate(ctx).await?;
    let (store, auth) = services(ctx);
    let credentials = store
        .credentials_by_id(user)
        .await?
        .ok_or(ApiError::Unauthenticated("this account no longer exists"))?;
    check_account_rate(ctx, credentials.user.email.as_str()).await?;
    if password.chars().count() > PASSWORD_MAX_LEN {
        return Err(invalid(field, "this is not your password"));
    }
    let valid = auth
        .verify_password(password, Some(credentials.password_hash.clone()))
        .await?;
    if !valid {
        return Err(invalid(field, "this is not your password"));
    }
    Ok(credentials)
}

/// Writes to her own account.
#[derive(Debug, Default)]
pub struct SettingsMutation;

#[Object]
impl SettingsMutation {
    /// Changes her password after checking the current one (rate limited like `login`).
    /// Every other sign-in of hers ends, with its open sockets; this one stays.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        current_password: String,
        new_password: String,
    ) -> Result<bool> {
        let v = viewer(ctx)?;
        let new_password = Password::parse("newPassword", &new_password)?;
        verify_own_password(ctx, v.user_id, "currentPassword", &current_password).await?;
        let (store, auth) = services(ctx);
        let hash = auth.hash_password(&new_password).await?;
        if !store
            .change_password(v.user_id, hash, v.session, herlead_store::now())
            .await?
        {
            return Err(ApiError::Unauthenticated("this account no longer exists"));
        }
        Ok(true)
    }

    /// Ends every sign-in of hers, this one included, on every device: refresh tokens stop
    /// working and open sockets close. Access tokens already issued run out by themselves
    /// (at most `expiresIn` seconds).
    async fn sign_out_everywhere(&self, ctx: &Context<'_>) -> Result<bool> {
        let v = viewer(ctx)?;
        let (store, _) = services(ctx);
        store
            .end_all_sessions(v.user_id, herlead_store::now())
            .await?;
        Ok(true)
    }

    /// Changes the name shown to her and to her cohorts' coaches.
    async fn update_display_name(
        &self,
        ctx: &Context<'_>,
        display_name: String,
    ) -> Result<UserView> {
        let v = viewer(ctx)?;
        let name = DisplayName::parse("displayName", &display_name)?;
        let (store, _) = services(ctx);
        let user = store
            .set_display_name(v.user_id, &name, herlead_store::now())
            .await?
            .ok_or(ApiError::Unauthenticated("this account no longer exists"))?;
        Ok(UserView(user))
    }

    /// Deletes her account after she re-enters her password: everything she recorded, her
    /// memberships, statuses, nudges and sessions go at once (her open sockets close, her
    /// cohorts' dashboards drop her). A coach who coaches a cohort that has members or other
    /// coaches gets CONFLICT (field `cohorts`) and nothing is deleted, because her cohort
    /// tasks and nudges would vanish from under them; cohorts nobody else is in go with her.
    async fn delete_account(&self, ctx: &Context<'_>, password: String) -> Result<bool> {
        let v = viewer(ctx)?;
        verify_own_password(ctx, v.user_id, "password", &password).await?;
        let (store, _) = services(ctx);
        match store.delete_account(v.user_id).await? {
            herlead_store::Erasure::Deleted => Ok(true),
            herlead_store::Erasure::Unknown => {
                Err(ApiError::Unauthenticated("this account no longer exists"))
            }
            herlead_store::Erasure::CoachesOthers(cohorts) => Err(ApiError::Conflict {
                field: "cohorts",
                message: format!(
                    "you coach {} cohort(s) that other people are in; remove their members before deleting your account",
                    cohorts.len()
                ),
            }),
        }
    }
}
