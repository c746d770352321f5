//! The HerLead server: configuration, HTTP routes and startup.
//!
//! The binary `herlead` (see `main.rs`) is a thin CLI over this library, so integration tests
//! start the very same application on port 0.

pub mod admin;
#[cfg(feature = "bench")]
mod bench;
pub mod config;
mod pool;
mod routes;
pub mod secret;
mod socket;
pub mod startup;
pub mod telemetry;
#[cfg(feature = "test-util")]
pub mod testing;

pub use config::{Config, ConfigError};
pub use startup::{Application, connect_store};
