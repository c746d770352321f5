//! Passwords, access tokens and refresh tokens.
//!
//! - Passwords: argon2id with its default (OWASP) parameters, hashed off the async executor
//!   with a cap on concurrent hashes.
//! - Access tokens: short-lived JWTs (`typ: at+jwt`) signed with the configured HMAC secret;
//!   only that algorithm is accepted; `iss`, `aud`, `sub`, `exp`, `iat` and `sid` (the
//!   sign-in the token belongs to) are required; a token issued in the future (`iat`) or not
//!   valid yet (`nbf`) is refused, beyond a few seconds of clock skew.
//! - Refresh tokens: 256 random bits, handed out once and stored only as a SHA-256 hash.

use std::{fmt, sync::Arc, time::Duration};

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use herlead_core::{Role, User, UserId, input::Password};
use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode,
    errors::ErrorKind,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::{OnceCell, Semaphore};

use crate::ApiError;

/// The JWT `typ` header of access tokens (RFC 9068).
const ACCESS_TOKEN_TYPE: &str = "at+jwt";
/// Longer bearer strings are refused before any parsing.
const MAX_TOKEN_LEN: usize = 4096;
/// The shortest HMAC secret accepted, in bytes.
pub const MIN_SECRET_LEN: usize = 32;

/// Settings for tokens and password hashing.
#[derive(Clone)]
pub struct AuthConfig {
    /// HMAC-SHA256 key for access tokens; at least [`MIN_SECRET_LEN`] bytes.
    pub jwt_secret: Vec<u8>,
    /// `iss` of issued tokens, required on presented ones.
    pub issuer: String,
    /// `aud` of issued tokens, required on presented ones.
    pub audience: String,
    /// Lifetime of an access token.
    pub access_ttl: Duration,
    /// Lifetime of a refresh token.
    pub refresh_ttl: Duration,
    /// How many password hashes may run at once (each takes about 19 MiB).
    pub max_concurrent_hashes: usize,
}

impl AuthConfig {
    /// Defaults around a given secret: 15-minute access tokens, 30-day refresh tokens.
    pub fn with_secret(jwt_secret: Vec<u8>) -> Self {
        Self {
            jwt_secret,
            issuer: "herlead".into(),
            audience: "herlead-api".into(),
            access_ttl: Duration::from_secs(15 * 60),
            refresh_ttl: Duration::from_secs(30 * 24 * 3600),
            max_concurrent_hashes: std::thread::available_parallelism().map_or(2, |n| n.get()),
        }
    }
}

impl fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthConfig")
            .field("jwt_secret", &"***")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("access_ttl", &self.access_ttl)
            .field("refresh_ttl", &self.refresh_ttl)
            .field("max_concurrent_hashes", &self.max_concurrent_hashes)
            .finish()
    }
}

/// Who is making a request, as proven by a valid access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    /// Her account.
    pub user_id: UserId,
    /// Her role when the token was issued.
    pub role: Role,
    /// The sign-in (refresh-token family) the token belongs to.
    pub session: uuid::Uuid,
    /// When the token expires.
    pub expires_at: DateTime<Utc>,
}

/// Why a presented access token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    /// It was valid but has expired: refresh the session.
    Expired,
    /// Malformed, wrongly signed, of the wrong type, audience or issuer.
    Invalid,
}

/// The authentication state of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Session {
    /// No `Authorization` header.
    Anonymous,
    /// A valid access token.
    Authenticated(Viewer),
    /// A token was presented and refused.
    Refused(AuthFailure),
}

impl Session {
    /// The viewer, or the reason there is none.
    pub fn viewer(&self) -> Result<Viewer, ApiError> {
        match self {
            Session::Authenticated(viewer) => Ok(*viewer),
            Session::Anonymous => Err(ApiError::Unauthenticated(
                "sign in: this needs an access token",
            )),
            Session::Refused(AuthFailure::Expired) => Err(ApiError::Unauthenticated(
                "the access token has expired; refresh the session",
            )),
            Session::Refused(AuthFailure::Invalid) => {
                Err(ApiError::Unauthenticated("the access token is not valid"))
            }
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    iss: String,
    aud: String,
    sub: String,
    exp: i64,
    iat: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nbf: Option<i64>,
    jti: String,
    sid: uuid::Uuid,
    role: Role,
}

/// Clock skew tolerated between the issuer and this server, in seconds.
const LEEWAY_SECONDS: i64 = 5;

/// Tokens freshly issued for a user.
#[derive(Clone)]
pub struct IssuedTokens {
    /// The JWT access token.
    pub access_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// The refresh token that goes with it.
    pub refresh: RefreshToken,
    /// The sign-in both belong to.
    pub family: uuid::Uuid,
}

impl fmt::Debug for IssuedTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedTokens")
            .field("expires_in", &self.expires_in)
            .field("refresh", &self.refresh)
            .finish_non_exhaustive()
    }
}

/// An opaque refresh token: shown to the client once, stored only as its hash.
#[derive(Clone)]
pub struct RefreshToken {
    /// The token itself.
    pub token: String,
    /// SHA-256 of the token, hex: what the database keeps.
    pub hash: String,
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
}

impl fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshToken")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// Issues and checks credentials.
pub struct Authenticator {
    config: AuthConfig,
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    hash_permits: Arc<Semaphore>,
    dummy_hash: OnceCell<String>,
}

impl fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authenticator")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Authenticator {
    /// Builds the authenticator; refuses a secret shorter than [`MIN_SECRET_LEN`] bytes.
    pub fn new(config: AuthConfig) -> Result<Self, String> {
        if config.jwt_secret.len() < MIN_SECRET_LEN {
            return Err(format!(
                "the JWT secret must be at least {MIN_SECRET_LEN} bytes"
            ));
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&config.issuer]);
        validation.set_audience(&[&config.audience]);
        validation.set_required_spec_claims(&["iss", "aud", "sub", "exp", "iat"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECONDS.unsigned_abs();
        Ok(Self {
            encoding: EncodingKey::from_secret(&config.jwt_secret),
            decoding: DecodingKey::from_secret(&config.jwt_secret),
            validation,
            hash_permits: Arc::new(Semaphore::new(config.max_concurrent_hashes.max(1))),
            dummy_hash: OnceCell::new(),
            config,
        })
    }

    /// The settings in force.
    pub fn config(&self) -> &AuthConfig {
        &self.config
    }

    /// Turns an `Authorization` header value into the request's [`Session`].
    pub fn session(&self, authorization: Option<&str>) -> Session {
        let Some(value) = authorization else {
            return Session::Anonymous;
        };
        let token = match value.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
            _ => return Session::Refused(AuthFailure::Invalid),
        };
        match self.verify_access_token(token) {
            Ok(viewer) => Session::Authenticated(viewer),
            Err(failure) => Session::Refused(failure),
        }
    }

    /// Checks an access token.
    pub fn verify_access_token(&self, token: &str) -> Result<Viewer, AuthFailure> {
        if token.is_empty() || token.len() > MAX_TOKEN_LEN {
            return Err(AuthFailure::Invalid);
        }
        let header = decode_header(token).map_err(|_| AuthFailure::Invalid)?;
        if header.typ.as_deref() != Some(ACCESS_TOKEN_TYPE) {
            return Err(AuthFailure::Invalid);
        }
        let data =
            decode::<Claims>(token, &self.decoding, &self.validation).map_err(|e| {
                match e.kind() {
                    ErrorKind::ExpiredSignature => AuthFailure::Expired,
                    _ => AuthFailure::Invalid,
                }
            })?;
        // A token from the future was not issued by this clock: refuse it (jsonwebtoken
        // checks `exp` and `nbf`, not `iat`).
        if data.claims.iat > Utc::now().timestamp() + LEEWAY_SECONDS {
            return Err(AuthFailure::Invalid);
        }
        let user_id = data
            .claims
            .sub
            .parse::<UserId>()
            .map_err(|_| AuthFailure::Invalid)?;
        Ok(Viewer {
            user_id,
            role: data.claims.role,
            session: data.claims.sid,
            expires_at: DateTime::from_timestamp(data.claims.exp, 0).ok_or(AuthFailure::Invalid)?,
        })
    }

    /// Issues an access token and a new refresh token for `user`, starting a new sign-in.
    pub fn issue(&self, user: &User, now: DateTime<Utc>) -> Result<IssuedTokens, ApiError> {
        let refresh = self.new_refresh_token(now)?;
        let family = uuid::Uuid::now_v7();
        self.issue_access(user, now, refresh, family)
    }

    /// A new refresh token, not yet bound to a user.
    pub fn new_refresh_token(&self, now: DateTime<Utc>) -> Result<RefreshToken, ApiError> {
        let token = random_token()?;
        let ttl =
            chrono::Duration::from_std(self.config.refresh_ttl).map_err(ApiError::internal)?;
        Ok(RefreshToken {
            hash: hash_refresh_token(&token),
            token,
            expires_at: now + ttl,
        })
    }

    /// Issues an access token for `user` to go with a refresh token of the sign-in `family`.
    pub fn issue_access(
        &self,
        user: &User,
        now: DateTime<Utc>,
        refresh: RefreshToken,
        family: uuid::Uuid,
    ) -> Result<IssuedTokens, ApiError> {
        let access_ttl = self.config.access_ttl.as_secs();
        let claims = Claims {
            iss: self.config.issuer.clone(),
            aud: self.config.audience.clone(),
            sub: user.id.to_string(),
            iat: now.timestamp(),
            exp: now.timestamp() + i64::try_from(access_ttl).map_err(ApiError::internal)?,
            nbf: None,
            jti: uuid::Uuid::new_v4().to_string(),
            sid: family,
            role: user.role,
        };
        let header = Header {
            typ: Some(ACCESS_TOKEN_TYPE.into()),
            ..Header::new(Algorithm::HS256)
        };
        let access_token = encode(&header, &claims, &self.encoding).map_err(ApiError::internal)?;
        Ok(IssuedTokens {
            access_token,
            expires_in: access_ttl,
            refresh,
            family,
        })
    }

    /// Hashes a new password with argon2id, off the async executor.
    pub async fn hash_password(&self, password: &Password) -> Result<String, ApiError> {
        let password = password.clone();
        self.blocking(move || hash_password_blocking(&password))
            .await?
            .map_err(ApiError::internal)
    }

    /// Checks a password against a stored hash. With no hash (unknown email) it checks against
    /// a dummy hash, so both cases take the same time and say the same thing.
    pub async fn verify_password(
        &self,
        password: &str,
        stored_hash: Option<String>,
    ) -> Result<bool, ApiError> {
        let (hash, known) = match stored_hash {
            Some(hash) => (hash, true),
            None => (self.dummy_hash().await?.to_owned(), false),
        };
        let password = password.to_owned();
        let matches = self
            .blocking(move || {
                let Ok(parsed) = PasswordHash::new(&hash) else {
                    return false;
                };
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .await?;
        Ok(known && matches)
    }

    async fn dummy_hash(&self) -> Result<&str, ApiError> {
        self.dummy_hash
            .get_or_try_init(|| async {
                let password = Password::parse("password", "not-a-real-password-ever")?;
                self.hash_password(&password).await
            })
            .await
            .map(String::as_str)
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self
            .hash_permits
            .acquire()
            .await
            .map_err(ApiError::internal)?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(ApiError::internal)
    }
}

/// Hashes a password with argon2id (OWASP parameters) on the calling thread; for command-line
/// tools. Servers use [`Authenticator::hash_password`].
pub fn hash_password_blocking(password: &Password) -> Result<String, PasswordHashError> {
    Argon2::default()
        .hash_password(password.expose().as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| PasswordHashError(e.to_string()))
}

/// Argon2 refused to hash a password (it does not with valid parameters).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct PasswordHashError(String);

/// A fresh opaque token: 256 random bits, base64url without padding.
pub(crate) fn random_token() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| ApiError::Internal(format!("no randomness: {e}").into()))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The stored form of a refresh token: SHA-256, hex.
pub fn hash_refresh_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use herlead_core::input::{DisplayName, Email};

    fn authenticator() -> Authenticator {
        Authenticator::new(AuthConfig::with_secret(vec![7; 32])).expect("valid config")
    }

    fn user() -> User {
        User {
            id: UserId::new(),
            email: Email::parse("email", "ada@example.org").expect("email"),
            display_name: DisplayName::parse("displayName", "Ada").expect("name"),
            role: Role::Coach,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn test_short_secret_is_refused() {
        assert!(Authenticator::new(AuthConfig::with_secret(vec![1; 31])).is_err());
    }

    #[test]
    fn test_issued_access_token_verifies_to_its_user_and_role() {
        let auth = authenticator();
        let user = user();
        let tokens = auth.issue(&user, Utc::now()).expect("issue");
        let viewer = auth
            .verify_access_token(&tokens.access_token)
            .expect("valid");
        assert_eq!(viewer.user_id, user.id);
        assert_eq!(viewer.role, Role::Coach);
        assert_eq!(tokens.expires_in, 900);
        assert_eq!(tokens.refresh.token.len(), 43);
        assert_eq!(
            tokens.refresh.hash,
            hash_refresh_token(&tokens.refresh.token)
        );
        assert_ne!(tokens.refresh.hash, tokens.refresh.token);
        assert!(!format!("{tokens:?}").contains(&tokens.refresh.token));
    }

    #[test]
    fn test_session_parsing_of_the_authorization_header() {
        let auth = authenticator();
        let tokens = auth.issue(&user(), Utc::now()).expect("issue");
        assert_eq!(auth.session(None), Session::Anonymous);
        assert!(matches!(
            auth.session(Some(&format!("bearer {}", tokens.access_token))),
            Session::Authenticated(_)
        ));
        for bad in [
            "Bearer".to_owned(),
            format!("Basic {}", tokens.access_token),
            format!("Bearer {}", "x".repeat(5000)),
            "Bearer not.a.jwt".to_owned(),
        ] {
            assert_eq!(
                auth.session(Some(&bad)),
                Session::Refused(AuthFailure::Invalid)
            );
        }
    }

    #[test]
    fn test_token_from_another_secret_is_invalid() {
        let other = Authenticator::new(AuthConfig::with_secret(vec![8; 32])).expect("config");
        let tokens = other.issue(&user(), Utc::now()).expect("issue");
        assert_eq!(
            authenticator().verify_access_token(&tokens.access_token),
            Err(AuthFailure::Invalid)
        );
    }

    #[tokio::test]
    async fn test_password_hash_and_verify() {
        let auth = authenticator();
        let password = Password::parse("password", "correct horse battery").expect("valid");
        let hash = auth.hash_password(&password).await.expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            auth.verify_password("correct horse battery", Some(hash.clone()))
                .await
                .expect("v")
        );
        assert!(
            !auth
                .verify_password("wrong horse battery", Some(hash))
                .await
                .expect("v")
        );
        assert!(
            !auth
                .verify_password("correct horse battery", None)
                .await
                .expect("v")
        );
    }
}
