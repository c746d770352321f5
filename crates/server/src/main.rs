//! `herlead`: the HerLead server.

use std::{io::Write, path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use herlead_server::{Application, Config, config::ConfigArgs, connect_store, telemetry};

/// mimalloc instead of the system allocator: GraphQL execution allocates many small,
/// short-lived values per request (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "herlead", version, about = "The HerLead GraphQL server")]
struct Cli {
    #[command(flatten)]
    config: ConfigArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations and serve GraphQL (the default).
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Print the GraphQL schema (SDL), or write it to a file.
    ExportSchema {
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Manage roles on this server's database.
    #[command(subcommand)]
    Admin(AdminCommand),
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an administrator, reading the password from standard input; an existing
    /// account with this email is promoted instead.
    CreateAdmin {
        /// The administrator's email.
        #[arg(long)]
        email: String,
        /// The name to show.
        #[arg(long, default_value = "Administrator")]
        display_name: String,
    },
    /// Make an existing account a coach.
    GrantCoach {
        /// The account's email.
        #[arg(long)]
        email: String,
    },
    /// Make a coach a member again.
    RevokeCoach {
        /// The account's email.
        #[arg(long)]
        email: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_args(cli.config) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("herlead: invalid configuration: {err}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(config.log_format);
    let command = cli.command.unwrap_or(Command::Serve);
    let result = match command {
        Command::ExportSchema { out } => export_schema(out),
        Command::Migrate => runtime().and_then(|rt| {
            rt.block_on(async {
                connect_store(&config.database_url).await?;
                tracing::info!("migrations applied");
                Ok(())
            })
        }),
        Command::Serve => actix_web::rt::System::new().block_on(serve(config)),
        Command::Admin(command) => runtime().and_then(|rt| rt.block_on(admin(&config, command))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err:#}");
            eprintln!("herlead: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let app = Application::build(&config).await?;
    let addr = format!("http://{}:{}", config.bind.ip(), app.port());
    tracing::info!("HerLead is listening on {addr}; GraphiQL at {addr}/graphiql");
    app.run_until_stopped().await
}

async fn admin(config: &Config, command: AdminCommand) -> anyhow::Result<()> {
    let store = connect_store(&config.database_url).await?;
    let message = match command {
        AdminCommand::CreateAdmin {
            email,
            display_name,
        } => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            let password = line.trim_end_matches(['\r', '\n']);
            let password = (!password.is_empty()).then_some(password);
            herlead_server::admin::create_admin(&store, &email, &display_name, password).await?
        }
        AdminCommand::GrantCoach { email } => {
            herlead_server::admin::set_coach(&store, &email, true).await?
        }
        AdminCommand::RevokeCoach { email } => {
            herlead_server::admin::set_coach(&store, &email, false).await?
        }
    };
    std::io::stderr().write_all(format!("{message}\n").as_bytes())?;
    Ok(())
}

fn export_schema(out: Option<PathBuf>) -> anyhow::Result<()> {
    let sdl = herlead_api::sdl();
    match out {
        Some(path) => std::fs::write(&path, sdl)?,
        None => std::io::stdout().write_all(sdl.as_bytes())?,
    }
    Ok(())
}
