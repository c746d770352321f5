//! The `herlead` binary itself: the SQLite default, signals, configuration errors, and its
//! subcommands (migrate, export-schema, admin).

use super::*;

#[test]
fn test_binary_runs_on_the_sqlite_default_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_herlead"))
        .current_dir(dir.path())
        .env("HERLEAD_BIND", "127.0.0.1:0")
        .env("HERLEAD_WORKERS", "1")
        .env_remove("HERLEAD_DATABASE_URL")
        .env_remove("HERLEAD_JWT_SECRET")
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn herlead");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("server exited before announcing its address")
            .expect("read line");
        if let Some(rest) = line.split("GraphiQL at ").nth(1) {
            break rest.trim().trim_end_matches("/graphiql").to_owned();
        }
    };
    assert!(dir.path().join("herlead.db").exists());
    assert!(dir.path().join("herlead-jwt-secret").exists());

    install_crypto();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let status = runtime.block_on(async {
        reqwest::get(format!("{address}/readyz"))
            .await
            .expect("readyz")
            .status()
    });
    assert_eq!(status, 200);

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    // Drain the log so the server never blocks on a full pipe, then collect the exit status.
    for _ in lines.by_ref() {}
    let exit = child.wait().expect("wait");
    assert!(exit.success(), "herlead exited with {exit}");
}

#[test]
fn test_binary_fails_fast_on_bad_config_naming_the_setting() {
    let output = Command::new(env!("CARGO_BIN_EXE_herlead"))
        .env("HERLEAD_BIND", "not-an-address")
        .output()
        .expect("run herlead");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("HERLEAD_BIND"), "{stderr}");
}

#[test]
fn test_migrate_subcommand_creates_and_migrates_the_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("m.db").display());
    for _ in 0..2 {
        let output = Command::new(env!("CARGO_BIN_EXE_herlead"))
            .args(["migrate", "--database-url", &url])
            .env("NO_COLOR", "1")
            .output()
            .expect("run herlead");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert!(dir.path().join("m.db").exists());
}

#[test]
fn test_export_schema_matches_the_checked_in_file() {
    let output = Command::new(env!("CARGO_BIN_EXE_herlead"))
        .arg("export-schema")
        .output()
        .expect("run herlead");
    assert!(output.status.success());
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../schema/schema.graphql"
    ))
    .expect("schema file");
    assert_eq!(String::from_utf8_lossy(&output.stdout), committed);
}

#[test]
fn test_admin_commands_bootstrap_roles() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("admin.db").display());
    let run = |args: &[&str], stdin: &str| {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_herlead"))
            .args(args)
            .args(["--database-url", &url])
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write");
        let out = child.wait_with_output().expect("wait");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, err) = run(
        &["admin", "create-admin", "--email", "root@example.org"],
        "short\n",
    );
    assert!(!ok && err.contains("password"), "{err}");
    let (ok, err) = run(
        &["admin", "create-admin", "--email", "root@example.org"],
        "correct horse battery\n",
    );
    assert!(ok, "{err}");
    let (ok, err) = run(
        &["admin", "grant-coach", "--email", "nobody@example.org"],
        "",
    );
    assert!(!ok && err.contains("no account"), "{err}");
    let (ok, err) = run(&["admin", "grant-coach", "--email", "root@example.org"], "");
    assert!(!ok && err.contains("administrator"), "{err}");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let store = herlead_store::Store::connect(&format!("{url}?mode=rwc"))
            .await
            .expect("store");
        let email = |e: &str| herlead_core::input::Email::parse("email", e).expect("email");
        let root = store
            .user_by_email(&email("root@example.org"))
            .await
            .expect("q")
            .expect("admin");
        assert_eq!(root.role, herlead_core::Role::Admin);
        store
            .create_user(
                herlead_store::NewUser {
                    id: herlead_core::UserId::new(),
                    email: email("coach@example.org"),
                    display_name: herlead_core::input::DisplayName::parse("n", "Coach")
                        .expect("name"),
                    password_hash: "$argon2id$unused".into(),
                    role: herlead_core::Role::Member,
                    now: herlead_store::now(),
                },
                None,
            )
            .await
            .expect("member");
    });
    let (ok, err) = run(
        &["admin", "grant-coach", "--email", "coach@example.org"],
        "",
    );
    assert!(ok && err.contains("COACH"), "{err}");
    let (ok, err) = run(
        &["admin", "revoke-coach", "--email", "coach@example.org"],
        "",
    );
    assert!(ok && err.contains("MEMBER"), "{err}");
}
