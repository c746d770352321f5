//! Project automation, run as `cargo xtask <command>`.

use std::{fs, path::PathBuf, process::ExitCode};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "HerLead project automation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate schema/schema.graphql from the API's code.
    Schema {
        /// Fail if the checked-in file differs instead of writing it.
        #[arg(long)]
        check: bool,
    },
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

fn schema(check: bool) -> Result<()> {
    let path = repo_root().join("schema/schema.graphql");
    let fresh = herlead_api::sdl();
    if check {
        let current = fs::read_to_string(&path).unwrap_or_default();
        if current != fresh {
            bail!("{} is stale: run `cargo xtask schema`", path.display());
        }
        eprintln!("{} is up to date", path.display());
        return Ok(());
    }
    fs::create_dir_all(path.parent().context("schema path has a parent")?)?;
    fs::write(&path, fresh).with_context(|| format!("writing {}", path.display()))?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Schema { check } => schema(check),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
