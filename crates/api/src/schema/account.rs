//! The account: playbook and channels (public), registration, sign-in, sessions, and her
//! progress through the playbook.

use std::sync::Arc;

use async_graphql::{Context, Object};
use herlead_core::{
    Audience, Playbook, Role, TaskStatus, channels,
    input::{DisplayName, Email, Note, PASSWORD_MAX_LEN, Password},
    progress::{Progress, TaskProgress},
};
use herlead_store::{NewRefreshToken, NewUser, RotateOutcome, TaskStatusChange};

use crate::{
    ApiError,
    auth::{IssuedTokens, hash_refresh_token},
    error::Result,
};

use super::{
    common::{check_auth_rate, services, viewer},
    types::{
        AuthPayload, ChannelView, LoginInput, PlaybookView, ProgressView, RegisterInput,
        SetTaskStatusInput, TaskProgressView, UserView,
    },
};

/// Refresh tokens are 43 characters; anything much longer is not one of ours.
const MAX_REFRESH_TOKEN_LEN: usize = 256;

fn auth_payload(tokens: IssuedTokens, user: herlead_core::User) -> Result<AuthPayload> {
    Ok(AuthPayload {
        access_token: tokens.access_token,
        refresh_token: tokens.refresh.token,
        expires_in: i32::try_from(tokens.expires_in).map_err(ApiError::internal)?,
        user: UserView(user),
    })
}

fn refresh_token_input(raw: &str) -> Result<&str> {
    let token = raw.trim();
    if token.is_empty() || token.len() > MAX_REFRESH_TOKEN_LEN {
        return Err(ApiError::Validation(herlead_core::ValidationError::new(
            "refreshToken",
            "this is not a refresh token",
        )));
    }
    Ok(token)
}

/// Playbook, account and progress reads.
#[derive(Debug, Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// The playbook: steps, tasks and guidance. Public.
    async fn playbook(&self) -> PlaybookView {
        PlaybookView(Playbook::standard())
    }

    /// Channels made for specific audiences; all of them, or one audience's. Public.
    async fn channels(&self, audience: Option<Audience>) -> Vec<ChannelView> {
        channels::catalogue()
            .iter()
            .filter(|c| audience.is_none_or(|a| c.audience == a))
            .map(ChannelView)
            .collect()
    }

    /// The signed-in user.
    async fn me(&self, ctx: &Context<'_>) -> Result<UserView> {
        let viewer = viewer(ctx)?;
        let (store, _) = services(ctx);
        let user = store
            .user_by_id(viewer.user_id)
            .await?
            .ok_or(ApiError::Unauthenticated("this account no longer exists"))?;
        Ok(UserView(user))
    }

    /// The signed-in user's progress through the playbook.
    async fn my_progress(&self, ctx: &Context<'_>) -> Result<ProgressView> {
        let viewer = viewer(ctx)?;
        let (store, _) = services(ctx);
        let records = store.task_records(viewer.user_id).await?;
        Ok(ProgressView(Progress::compute(
            Playbook::standard(),
            &records,
        )))
    }
}

/// Account and progress writes.
#[derive(Debug, Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// Creates a member account; sign in with `login` next. The answer is `true` for any
    /// valid input, whether the email was new or already registered — in that case the
    /// existing account is left exactly as it was — so registration never tells anyone
    /// which emails have an account (`login` keeps the same secret).
    async fn register(&self, ctx: &Context<'_>, input: RegisterInput) -> Result<bool> {
        check_auth_rate(ctx).await?;
        let email = Email::parse("email", &input.email)?;
        let password = Password::parse("password", &input.password)?;
        let display_name = DisplayName::parse("displayName", &input.display_name)?;
        let (store, auth) = services(ctx);
        // Hashed in both cases, so both take the same time.
        let password_hash = auth.hash_password(&password).await?;
        let created = store
            .create_user(
                NewUser {
                    id: herlead_core::UserId::new(),
                    email,
                    display_name,
                    password_hash,
                    role: Role::Member,
                    now: herlead_store::now(),
                },
                None,
            )
            .await;
        match created {
            Ok(_) => Ok(true),
            Err(herlead_store::StoreError::Conflict { .. }) => {
                tracing::info!("registration for an email that already has an account: ignored");
                Ok(true)
            }
            Err(e) => Err(ApiError::from(e)),
        }
    }

    /// Signs in with email and password. A wrong password and an unknown email get the same
    /// answer.
    async fn login(&self, ctx: &Context<'_>, input: LoginInput) -> Result<AuthPayload> {
        check_auth_rate(ctx).await?;
        let email = Email::parse("email", &input.email)?;
        if let Some(limits) = ctx.data_opt::<Arc<crate::limits::RateLimits>>() {
            limits.check_account(email.as_str()).await?;
        }
        if input.password.chars().count() > PASSWORD_MAX_LEN {
            return Err(ApiError::Validation(herlead_core::ValidationError::new(
                "password",
                format!("a password has at most {PASSWORD_MAX_LEN} characters"),
            )));
        }
        let (store, auth) = services(ctx);
        let credentials = store.credentials_by_email(&email).await?;
        let stored_hash = credentials.as_ref().map(|c| c.password_hash.clone());
        let valid = auth.verify_password(&input.password, stored_hash).await?;
        let Some(credentials) = credentials.filter(|_| valid) else {
            return Err(ApiError::Unauthenticated("the email or password is wrong"));
        };
        let now = herlead_store::now();
        let tokens = auth.issue(&credentials.user, now)?;
        store
            .create_session(
                credentials.user.id,
                NewRefreshToken {
                    family: tokens.family,
                    token_hash: tokens.refresh.hash.clone(),
                    now,
                    expires_at: tokens.refresh.expires_at,
                },
            )
            .await?;
        auth_payload(tokens, credentials.user)
    }

    /// Exchanges a refresh token for new tokens. Each refresh token works once; presenting a
    /// used one ends every session descended from the same sign-in. One exception: presented
    /// again within 30 seconds of its exchange, while the tokens it was exchanged for are
    /// still unused, it is another client of the same sign-in that lost a race (an app and
    /// its background job sharing saved tokens): CONFLICT on `refreshToken`, nothing granted
    /// and nothing ended. That client should read the tokens its sibling saved.
    async fn refresh_session(
        &self,
        ctx: &Context<'_>,
        refresh_token: String,
    ) -> Result<AuthPayload> {
        check_auth_rate(ctx).await?;
        let presented = refresh_token_input(&refresh_token)?;
        let (store, auth) = services(ctx);
        let now = herlead_store::now();
        // The replacement is minted first so that it is stored in the same transaction that
        // uses up the presented token; the access token follows once the user is known.
        let replacement = auth.new_refresh_token(now)?;
        let outcome = store
            .rotate_session(
                &hash_refresh_token(presented),
                NewRefreshToken {
                    // Not read: the presented token's sign-in continues.
                    family: uuid::Uuid::nil(),
                    token_hash: replacement.hash.clone(),
                    now,
                    expires_at: replacement.expires_at,
                },
            )
            .await?;
        let (user, family) = match outcome {
            RotateOutcome::Rotated(user, family) => (user, family),
            RotateOutcome::Unknown | RotateOutcome::Revoked => {
                return Err(ApiError::Unauthenticated(
                    "this session has ended; sign in again",
                ));
            }
            RotateOutcome::Expired => {
                return Err(ApiError::Unauthenticated(
                    "this session has expired; sign in again",
                ));
            }
            RotateOutcome::Raced => {
                return Err(ApiError::Conflict {
                    field: "refreshToken",
                    message: "this refresh token was exchanged moments ago by another client of \
                              the same sign-in; use the tokens that client saved"
                        .to_owned(),
                });
            }
            RotateOutcome::Reused => {
                tracing::warn!("refresh token reused; its session family was revoked");
                return Err(ApiError::Unauthenticated(
                    "this refresh token was already used; every session from that sign-in has been ended",
                ));
            }
        };
        let tokens = auth.issue_access(&user, now, replacement, family)?;
        auth_payload(tokens, user)
    }

    /// Ends the session a refresh token belongs to. Returns whether a live session ended.
    async fn logout(&self, ctx: &Context<'_>, refresh_token: String) -> Result<bool> {
        let presented = refresh_token_input(&refresh_token)?;
        let (store, _) = services(ctx);
        store
            .end_session(&hash_refresh_token(presented), herlead_store::now())
            .await
            .map_err(ApiError::from)
    }

    /// Sets the status of one of the signed-in user's tasks, with an optional note.
    async fn set_task_status(
        &self,
        ctx: &Context<'_>,
        input: SetTaskStatusInput,
    ) -> Result<TaskProgressView> {
        let viewer = viewer(ctx)?;
        let key = herlead_core::TaskKey::parse("taskKey", &input.task_key)?;
        let task = Playbook::standard()
            .task(key.as_str())
            .ok_or_else(|| ApiError::Internal(format!("{key} is not in the playbook").into()))?;
        if task.completion == herlead_core::TaskCompletion::Automatic
            && !matches!(input.status, TaskStatus::Skipped | TaskStatus::NotStarted)
        {
            return Err(ApiError::Validation(herlead_core::ValidationError::new(
                "status",
                "this task completes by itself from your data; you can only skip it (SKIPPED) or hand it back to its rule (NOT_STARTED)",
            )));
        }
        let note = Note::parse_optional("note", input.note.as_deref())?;
        let (store, _) = services(ctx);
        let record = store
            .set_task_status(TaskStatusChange {
                user: viewer.user_id,
                task_key: task.key.clone(),
                status: input.status,
                note,
                now: herlead_store::now(),
            })
            .await?;
        Ok(TaskProgressView(TaskProgress::new(task, Some(&record))))
    }
}
