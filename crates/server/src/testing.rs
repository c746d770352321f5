//! The one way tests start the real server: on port 0, with a [`Config`] built in code (the
//! command line's defaults, then whatever the test changes), on a database of
//! `herlead_store::testing`. Used by this crate's HTTP tests and by the SDK's tests.

use std::path::Path;

use crate::{Application, Config, config::ConfigArgs};

/// A JWT secret every test server shares, so that replicas accept each other's tokens.
pub const TEST_JWT_SECRET: &str = "replicas-share-this-test-secret-of-32-bytes";

/// The settings of a test server on `database_url`, keeping its state in `data_dir`: port 0,
/// two workers, the shared test secret; every other setting at its default.
pub fn settings(database_url: &str, data_dir: &Path) -> ConfigArgs {
    ConfigArgs {
        bind: "127.0.0.1:0".into(),
        database_url: database_url.into(),
        data_dir: data_dir.to_path_buf(),
        workers: Some(2),
        jwt_secret: Some(TEST_JWT_SECRET.into()),
        ..ConfigArgs::defaults()
    }
}

/// A running server: where it listens and how to stop it. Its data directory lives as long
/// as this value.
#[derive(Debug)]
pub struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// Stops the server.
    pub handle: actix_web::dev::ServerHandle,
    _data_dir: tempfile::TempDir,
}

impl TestServer {
    /// Starts a server on `database_url` with the test settings, changed by `configure` (the
    /// same settings an operator has, checked the same way). Logs go to the terminal when
    /// `TEST_LOG` is set.
    pub async fn spawn(database_url: &str, configure: impl FnOnce(&mut ConfigArgs)) -> TestServer {
        if std::env::var_os("TEST_LOG").is_some() {
            crate::telemetry::init(crate::config::LogFormat::Pretty);
        }
        let data_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("a temporary directory: {e}"));
        let mut args = settings(database_url, data_dir.path());
        configure(&mut args);
        let config =
            Config::from_args(args).unwrap_or_else(|e| panic!("test settings are valid: {e}"));
        let app = Application::build(&config)
            .await
            .unwrap_or_else(|e| panic!("the application builds: {e:#}"));
        let address = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        TestServer {
            address,
            handle,
            _data_dir: data_dir,
        }
    }

    /// Stops the server, waiting for requests in flight.
    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }
}
