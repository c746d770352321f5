//! `herlead admin …`: bootstrap commands run on the server host, against its database.

use anyhow::{Context, Result, bail};
use herlead_core::{
    Role,
    input::{DisplayName, Email, Password},
};
use herlead_store::{NewUser, Store};

/// Creates an administrator, or promotes an existing account to ADMIN. A new account needs a
/// password (8–128 characters).
pub async fn create_admin(
    store: &Store,
    email: &str,
    display_name: &str,
    password: Option<&str>,
) -> Result<String> {
    let email = Email::parse("email", email).context("--email")?;
    if let Some(user) = store.user_by_email(&email).await? {
        store.set_role(user.id, Role::Admin).await?;
        return Ok(format!("{email} is now an administrator"));
    }
    let Some(password) = password else {
        bail!("a new administrator needs a password on standard input");
    };
    let password = Password::parse("password", password).context("password")?;
    let display_name = DisplayName::parse("displayName", display_name).context("--display-name")?;
    let password_hash = herlead_api::hash_password_blocking(&password)?;
    store
        .create_user(
            NewUser {
                id: herlead_core::UserId::new(),
                email: email.clone(),
                display_name,
                password_hash,
                role: Role::Admin,
                now: herlead_store::now(),
            },
            None,
        )
        .await?;
    Ok(format!("created administrator {email}"))
}

/// Grants or revokes the COACH role of an existing member.
pub async fn set_coach(store: &Store, email: &str, coach: bool) -> Result<String> {
    let email = Email::parse("email", email).context("--email")?;
    let Some(user) = store.user_by_email(&email).await? else {
        bail!("no account has the email {email}");
    };
    if user.role == Role::Admin {
        bail!("{email} is an administrator; administrators are not coaches");
    }
    let role = if coach { Role::Coach } else { Role::Member };
    store.set_role(user.id, role).await?;
    Ok(format!("{email} is now {}", role.as_str()))
}
