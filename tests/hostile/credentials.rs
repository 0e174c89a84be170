//! No secret reaches any output: a real nats-server with a user and password, with a token, and in operator
//! mode with a user JWT and NKey seed in a credentials file. The Rust reference peer logs in with each; a
//! "leaky" peer prints the URL, the secret and the credentials file before serving, another prints them and
//! exits (so they land in a setup error: terminal, JSON, JUnit); every output is searched for the secret.
use crate::util::*;
use base64::Engine;
use std::path::Path;

const LEAK: &str = "echo \"connecting to $MSGPACT_NATS_URL\" >&2; echo 'my secret is SECRET' >&2; \
                    if [ -n \"$MSGPACT_NATS_CREDS\" ]; then cat \"$MSGPACT_NATS_CREDS\" >&2; fi";

/// Runs verify against `url` (and `creds`) with the Rust peer and the two leaky peers; checks that the Rust
/// and the serving leaky peer passed every exchange and that none of `secrets` is in any output.
fn verify_hides(url: &str, creds: Option<&Path>, leaked: &str, secrets: &[&str]) {
    let t = workspace();
    rust_peer(t.path());
    let leak = LEAK.replace("SECRET", leaked);
    shell_peer(t.path(), "leaky", &format!("{leak}; exec ECHO"), &[], "");
    shell_peer(t.path(), "leaky-fail", &format!("{leak}; exit 1"), &[], "");
    let mut args = vec!["verify", "--nats-url", url, "--json", "r.json", "--junit", "r.xml"];
    let creds_arg;
    if let Some(c) = creds {
        creds_arg = c.display().to_string();
        args.extend(["--nats-creds", &creds_arg]);
    }
    let r = run(&args, Opts { cwd: Some(t.path()), ..Default::default() });
    assert_eq!(r.code, Some(2), "the failing peer is a setup error; the others ran:\n{}", r.stderr);
    assert!(r.stderr.contains("peer rust: ready"), "the Rust peer logs in:\n{}", r.stderr);
    assert!(r.stderr.contains("peer leaky: ready"), "{}", r.stderr);
    let report = crate::common::read_json(&t.path().join("r.json"));
    for peer in ["rust", "leaky"] {
        let mine: Vec<_> = crate::common::exchanges(&report).into_iter().filter(|x| x["consumer"] == peer).collect();
        assert!(mine.len() >= 322, "{peer}: {} exchanges", mine.len());
        assert!(mine.iter().all(|x| x["outcome"] == "pass"), "{peer} passes everything");
    }
    let mut outputs: Vec<(String, String)> =
        vec![("stdout".into(), r.stdout_text()), ("stderr".into(), r.stderr.clone())];
    for f in files_under(t.path()) {
        let under_output =
            f.starts_with(t.path().join("target")) || f.extension().is_some_and(|e| e == "json" || e == "xml");
        if under_output {
            let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
            outputs.push((f.display().to_string(), text));
        }
    }
    let logs: Vec<&(String, String)> = outputs.iter().filter(|(n, _)| n.ends_with("leaky.log")).collect();
    assert_eq!(logs.len(), 1, "the leaky peer's log is among the outputs searched");
    assert!(logs[0].1.contains("my secret is ***"), "the line arrived, redacted:\n{}", logs[0].1);
    assert!(r.stderr.contains("my secret is ***"), "the failing peer's output is in its setup error:\n{}", r.stderr);
    for (name, text) in &outputs {
        for s in secrets {
            assert!(!text.contains(s), "the secret `{s}` is in {name}:\n{text}");
        }
    }
}

/// The password in the URL of nats-server --user/--pass reached the terminal, the JSON and JUnit reports
/// and the Rust peer's log, and the Rust peer could not log in with it.
#[test]
fn a_password_in_the_nats_url_is_in_no_output_and_the_rust_peer_logs_in_with_it() {
    let Some(bin) = need_nats() else { return };
    let pass = "S3cr3t/P@ss\"w0rd";
    let server = Server::start(&bin, &["--user", "alice", "--pass", pass]);
    let encoded = "S3cr3t%2FP%40ss%22w0rd";
    let url = format!("nats://alice:{encoded}@127.0.0.1:{}", server.port);
    verify_hides(&url, None, pass, &[pass, encoded, "S3cr3t/P@ss\\\"w0rd", "S3cr3t/P@ss&quot;w0rd"]);

    // A wrong password: msgpact's own error names the server, not the password.
    let wrong = format!("nats://alice:Wr0ngPassw0rd@127.0.0.1:{}", server.port);
    let t = workspace();
    rust_peer(t.path());
    let r =
        run(&["verify", "--nats-url", &wrong, "--json", "r.json"], Opts { cwd: Some(t.path()), ..Default::default() });
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains(&format!("nats://***@127.0.0.1:{}", server.port)), "{}", r.stderr);
    let json = std::fs::read_to_string(t.path().join("r.json")).unwrap();
    assert!(!r.stderr.contains("Wr0ngPassw0rd") && !json.contains("Wr0ngPassw0rd"), "{}\n{json}", r.stderr);
}

#[test]
fn a_token_in_the_nats_url_is_in_no_output_and_the_rust_peer_logs_in_with_it() {
    let Some(bin) = need_nats() else { return };
    let token = "t0ken-abc123-SECRET";
    let server = Server::start(&bin, &["--auth", token]);
    let url = format!("nats://{token}@127.0.0.1:{}", server.port);
    verify_hides(&url, None, token, &[token]);
}

/// Operator mode: an operator, an account (preloaded in the server's memory resolver) and a user, their JWTs
/// signed here with NKeys; the user's JWT and seed in a credentials file given with `--nats-creds`.
#[test]
fn a_credentials_file_is_in_no_output_and_the_rust_peer_logs_in_with_it() {
    let Some(bin) = need_nats() else { return };
    let operator = nkeys::KeyPair::new_operator();
    let account = nkeys::KeyPair::new_account();
    let user = nkeys::KeyPair::new_user();
    let op_jwt = jwt(&operator, &operator.public_key(), serde_json::json!({"type": "operator", "version": 2}));
    let limits = serde_json::json!({"subs": -1, "data": -1, "payload": -1, "imports": -1, "exports": -1,
        "wildcards": true, "conn": -1, "leaf": -1});
    let acc_jwt =
        jwt(&operator, &account.public_key(), serde_json::json!({"type": "account", "version": 2, "limits": limits}));
    let user_jwt = jwt(
        &account,
        &user.public_key(),
        serde_json::json!({"type": "user", "version": 2,
        "pub": {}, "sub": {}, "subs": -1, "data": -1, "payload": -1}),
    );
    let seed = user.seed().unwrap();
    let t = tempfile::tempdir().unwrap();
    let config = t.path().join("server.conf");
    write(
        &config,
        format!(
            "operator: \"{op_jwt}\"\nresolver: MEMORY\nresolver_preload: {{\n  {}: \"{acc_jwt}\"\n}}\n",
            account.public_key()
        ),
    );
    let creds = t.path().join("user.creds");
    write(
        &creds,
        format!(
            "-----BEGIN NATS USER JWT-----\n{user_jwt}\n------END NATS USER JWT------\n\n\
             ************************* IMPORTANT *************************\n\
             NKEY Seed printed below can be used to sign and prove identity.\n\n\
             -----BEGIN USER NKEY SEED-----\n{seed}\n------END USER NKEY SEED------\n"
        ),
    );
    let server = Server::start(&bin, &["-c", config.to_str().unwrap()]);
    let url = format!("nats://127.0.0.1:{}", server.port);
    // The server really asks for them: without the file, msgpact cannot connect.
    let w = workspace();
    rust_peer(w.path());
    let r = run(&["verify", "--nats-url", &url], Opts { cwd: Some(w.path()), ..Default::default() });
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("check the credentials"), "{}", r.stderr);
    // The JWT's signature part is what would identify the user; the seed is the secret proper.
    let signature = user_jwt.rsplit('.').next().unwrap().to_string();
    verify_hides(&url, Some(&creds), &seed, &[&seed, &user_jwt, &signature]);
}

/// A NATS JWT (v2): header, claims and an ed25519 signature by `issuer` over both.
fn jwt(issuer: &nkeys::KeyPair, subject: &str, nats: serde_json::Value) -> String {
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let header = b64(br#"{"typ":"JWT","alg":"ed25519-nkey"}"#);
    let claims = serde_json::json!({
        "jti": format!("MSGPACT{now}{}", &subject[..8]), "iat": now, "iss": issuer.public_key(),
        "name": "msgpact-test", "sub": subject, "nats": nats,
    });
    let signing = format!("{header}.{}", b64(claims.to_string().as_bytes()));
    let sig = issuer.sign(signing.as_bytes()).unwrap();
    format!("{signing}.{}", b64(&sig))
}
