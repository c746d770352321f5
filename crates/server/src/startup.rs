//! Builds the application from a [`Config`] and runs it.

use std::{net::TcpListener, sync::Arc};

use actix_web::{App, HttpServer, dev::Server, middleware::Logger, web};
use anyhow::{Context, Result};
use herlead_api::{ApiConfig, AuthConfig, Authenticator};
use herlead_store::Store;

use crate::{
    config::Config,
    pool::Pool,
    routes::{self, AppState},
    secret::{self, SecretSource},
};

/// A handle that stops a running server.
pub type ServerHandle = actix_web::dev::ServerHandle;

/// Connects to the configured database and applies pending migrations.
pub async fn connect_store(database_url: &str) -> Result<Store> {
    connect_store_with(database_url, std::time::Duration::from_millis(200)).await
}

/// Like [`connect_store`], with the slow-statement threshold.
pub async fn connect_store_with(
    database_url: &str,
    slow_query: std::time::Duration,
) -> Result<Store> {
    let store = Store::connect_with(database_url, slow_query)
        .await
        .with_context(|| {
            format!(
                "cannot open the database at HERLEAD_DATABASE_URL ({})",
                redact(database_url)
            )
        })?;
    store
        .migrate()
        .await
        .context("cannot apply database migrations")?;
    Ok(store)
}

/// Hides the password of a database URL for log lines.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// A bound, ready-to-run server.
pub struct Application {
    port: u16,
    server: Server,
    metrics_server: Option<Server>,
    store: Store,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Opens the database (migrating it), resolves the JWT secret and binds the listener.
    pub async fn build(config: &Config) -> Result<Application> {
        let store = connect_store_with(&config.database_url, config.slow_query).await?;
        let (jwt_secret, source, path) =
            secret::resolve(config.jwt_secret.clone(), &config.data_dir).with_context(|| {
                format!(
                    "cannot read or create the JWT secret in HERLEAD_DATA_DIR ({})",
                    config.data_dir.display()
                )
            })?;
        match source {
            SecretSource::Generated => tracing::warn!(
                path = %path.display(),
                "no HERLEAD_JWT_SECRET set: generated one and saved it; set HERLEAD_JWT_SECRET in production"
            ),
            SecretSource::Loaded => {
                tracing::info!(path = %path.display(), "using the saved JWT secret")
            }
            SecretSource::Configured => {}
        }
        let auth = Arc::new(
            Authenticator::new(AuthConfig {
                access_ttl: config.access_token_ttl,
                refresh_ttl: config.refresh_token_ttl,
                ..AuthConfig::with_secret(jwt_secret)
            })
            .map_err(anyhow::Error::msg)
            .context("HERLEAD_JWT_SECRET")?,
        );
        let metrics = herlead_api::metrics::Metrics::new();
        let admission = herlead_api::admission::AdmissionConfig {
            max_query_bytes: config.max_query_bytes,
            max_selections: config.max_selections,
            max_aliases: config.max_aliases,
            max_complexity: config.max_complexity,
            ..herlead_api::admission::AdmissionConfig::default()
        };
        let documents = Arc::new(herlead_api::admission::Documents::new());
        let schema = herlead_api::build_schema_with(
            store.clone(),
            auth.clone(),
            &ApiConfig {
                max_depth: config.max_depth,
                admission,
                introspection: config.introspection && !config.production,
                suggestions: !config.production,
                rate_limits: config.rate_limits,
                // Replicas share one PostgreSQL database, so they share its counters; the
                // embedded SQLite default is one process and keeps them in memory.
                shared_rate_limits: store.backend() == herlead_store::Backend::Postgres,
                max_subscriptions_per_user: config.max_subscriptions_per_user,
                max_subscriptions_per_socket: config.max_subscriptions_per_socket,
                imports: herlead_import::Limits {
                    max_bytes: config.upload_limit,
                    ..herlead_import::Limits::default()
                },
                ..ApiConfig::default()
            },
            metrics.clone(),
            documents.clone(),
        );
        let threads = config
            .workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
        let pool = Pool::new(threads).context("cannot start the GraphQL worker threads")?;
        let listener = TcpListener::bind(config.bind)
            .with_context(|| format!("cannot listen on HERLEAD_BIND ({})", config.bind))?;
        let port = listener.local_addr()?.port();
        let state = web::Data::new(AppState {
            schema,
            auth,
            store: store.clone(),
            documents,
            pool,
            #[cfg(feature = "bench")]
            bench_members: tokio::sync::Mutex::default(),
            metrics: config.metrics.then_some(metrics),
            limits: routes::Limits {
                max_batch: config.max_batch,
                message_bytes: config.body_limit,
                upload_bytes: config.upload_limit,
                admission,
                timeout: config.request_timeout,
                graphiql: !config.production,
                #[cfg(feature = "bench")]
                bench_baseline: config.bench_baseline,
                trusted_proxies: config.trusted_proxies.clone(),
                metrics_here: config.metrics_bind.is_none() && !config.production,
            },
        });
        let metrics_server = match config.metrics_bind.filter(|_| config.metrics) {
            Some(address) => {
                let listener = TcpListener::bind(address).with_context(|| {
                    format!("cannot listen on HERLEAD_METRICS_BIND ({address})")
                })?;
                let state = state.clone();
                let server = HttpServer::new(move || {
                    App::new()
                        .app_data(state.clone())
                        .route("/metrics", web::get().to(routes::metrics_only))
                })
                .workers(1)
                .shutdown_timeout(1)
                .listen(listener)?
                .run();
                Some(server)
            }
            None => None,
        };
        let body_limit = config.body_limit;
        let origins = config.cors_origins.clone();
        let mut server = HttpServer::new(move || {
            let mut cors = actix_cors::Cors::default()
                .allowed_methods(["GET", "POST"])
                .allowed_headers(["authorization", "content-type", "accept"])
                .max_age(600);
            for origin in &origins {
                cors = cors.allowed_origin(origin);
            }
            App::new()
                .app_data(state.clone())
                .app_data(web::PayloadConfig::new(body_limit))
                .wrap(routes::security_headers())
                .wrap(cors)
                .wrap(Logger::new("%U %s %b %Dms"))
                .wrap(actix_web::middleware::from_fn(routes::request_id))
                .configure(routes::configure)
        })
        .shutdown_timeout(10);
        if let Some(workers) = config.workers {
            server = server.workers(workers);
        }
        let server = server.listen(listener)?.run();
        Ok(Application {
            port,
            server,
            metrics_server,
            store,
        })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle to stop the server.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGINT/SIGTERM (finishing in-flight requests) or a stop through the
    /// handle, then closes the database pool.
    pub async fn run_until_stopped(self) -> Result<()> {
        match self.metrics_server {
            Some(metrics) => {
                let handle = metrics.handle();
                let metrics = tokio::spawn(metrics);
                self.server.await?;
                handle.stop(true).await;
                metrics.await??;
            }
            None => self.server.await?,
        }
        self.store.close().await?;
        tracing::info!("stopped");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn test_redact_hides_the_password() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/herlead"),
            "postgres://app:***@db:5432/herlead"
        );
        assert_eq!(
            redact("sqlite://herlead.db?mode=rwc"),
            "sqlite://herlead.db?mode=rwc"
        );
    }
}
