//! The JWT signing secret: from configuration, or generated once and kept on disk.

use std::{
    fs,
    io::{self, Write},
    os::unix::fs::{OpenOptionsExt, PermissionsExt},
    path::{Path, PathBuf},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

/// The file, inside the data directory, that holds a generated secret.
pub const SECRET_FILE: &str = "herlead-jwt-secret";

/// Where the secret came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretSource {
    /// `HERLEAD_JWT_SECRET`.
    Configured,
    /// An existing file in the data directory.
    Loaded,
    /// Generated just now and saved to the data directory.
    Generated,
}

/// Returns the configured secret, else the one saved in `data_dir`, else a new one that is
/// saved there readable by the owner only.
pub fn resolve(
    configured: Option<Vec<u8>>,
    data_dir: &Path,
) -> io::Result<(Vec<u8>, SecretSource, PathBuf)> {
    let path = data_dir.join(SECRET_FILE);
    if let Some(secret) = configured {
        return Ok((secret, SecretSource::Configured, path));
    }
    match fs::read_to_string(&path) {
        Ok(text) => {
            let secret = text.trim().as_bytes().to_vec();
            if secret.len() < herlead_api::MIN_SECRET_LEN {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{} holds a secret that is too short", path.display()),
                ));
            }
            let mode = fs::metadata(&path)?.permissions().mode();
            if mode & 0o077 != 0 {
                tracing::warn!(path = %path.display(), "the JWT secret file is readable by others; chmod 600 it");
            }
            Ok((secret, SecretSource::Loaded, path))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fs::create_dir_all(data_dir)?;
            let mut bytes = [0u8; 48];
            getrandom::fill(&mut bytes).map_err(|e| io::Error::other(e.to_string()))?;
            let secret = URL_SAFE_NO_PAD.encode(bytes);
            let mut file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&path)?;
            file.write_all(secret.as_bytes())?;
            file.sync_all()?;
            Ok((secret.into_bytes(), SecretSource::Generated, path))
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_generated_secret_is_private_and_reused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (first, source, path) = resolve(None, dir.path()).expect("generate");
        assert_eq!(source, SecretSource::Generated);
        assert_eq!(first.len(), 64);
        let mode = fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let (second, source, _) = resolve(None, dir.path()).expect("load");
        assert_eq!(source, SecretSource::Loaded);
        assert_eq!(first, second);
    }

    #[test]
    fn test_configured_secret_wins_and_short_files_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (secret, source, _) = resolve(Some(vec![1; 40]), dir.path()).expect("configured");
        assert_eq!((secret.len(), source), (40, SecretSource::Configured));
        assert!(!dir.path().join(SECRET_FILE).exists());
        fs::write(dir.path().join(SECRET_FILE), "short").expect("write");
        assert!(resolve(None, dir.path()).is_err());
    }
}
