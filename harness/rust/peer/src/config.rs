//! Reading and checking the `MSGPACT_*` environment a runner starts a peer with (protocol section 1).
//!
//! Why this module exists: a peer started by hand, or by a manifest with a typo, must stop at once with a
//! message naming the variable at fault (exit status 2) instead of connecting somewhere unexpected or
//! subscribing to a subject nobody sends to. It also turns the NATS URL into what async-nats needs (it
//! ignores credentials written in a URL, which nats.go and nats-py read) and never shows a secret.
use crate::protocol::{
    ENV_CONTRACTS_HASH, ENV_NATS_CREDS, ENV_NATS_URL, ENV_PEER, ENV_SUBJECT_PREFIX,
    EXIT_CONFIG_ERROR, EXIT_NATS_UNREACHABLE,
};
use std::fmt;

/// Why a peer could not start or serve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The environment or the registrations are wrong (exit status 2).
    Config(String),
    /// The NATS server could not be reached, or refused the peer (exit status 1).
    Nats(String),
}

impl Error {
    /// The protocol's exit status for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Config(_) => EXIT_CONFIG_ERROR,
            Error::Nats(_) => EXIT_NATS_UNREACHABLE,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(m) | Error::Nats(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

/// Where a peer connects and which subjects it serves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// `MSGPACT_NATS_URL`, e.g. `nats://127.0.0.1:4222` (a comma-separated list is accepted).
    pub nats_url: String,
    /// `MSGPACT_NATS_CREDS`, an optional credentials file.
    pub nats_creds: Option<String>,
    /// `MSGPACT_SUBJECT_PREFIX`, e.g. `msgpact.run.3f9a1c2b`.
    pub subject_prefix: String,
    /// `MSGPACT_PEER`, this peer's name in the run.
    pub name: String,
    /// `MSGPACT_CONTRACTS_HASH`, optional: the wire hash of the run's contracts, which `hello` reports when
    /// the application's [`crate::Info`] gives none (types written by hand, checked against these contracts).
    pub contracts_hash: String,
}

impl Config {
    /// Reads the `MSGPACT_*` variables and checks them; the error names every variable at fault.
    pub fn from_env() -> Result<Config, Error> {
        Config::from_vars(|name| std::env::var(name).ok())
    }

    /// [`Config::from_env`] with the variables looked up by `lookup`.
    fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, Error> {
        let var = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        let creds = var(ENV_NATS_CREDS);
        let config = Config {
            nats_url: var(ENV_NATS_URL),
            nats_creds: (!creds.is_empty()).then_some(creds),
            subject_prefix: var(ENV_SUBJECT_PREFIX),
            name: var(ENV_PEER),
            contracts_hash: var(ENV_CONTRACTS_HASH),
        };
        config.validate()?;
        Ok(config)
    }

    /// Checks that the required fields are set and that the name and the prefix are NATS subject tokens
    /// (`[A-Za-z0-9_-]+`, the prefix being tokens joined by dots).
    pub fn validate(&self) -> Result<(), Error> {
        let mut problems = Vec::new();
        let mut required = |name: &str, value: &str, meaning: &str| {
            if value.is_empty() {
                problems.push(format!("{name} is not set ({meaning})"));
            }
        };
        required(
            ENV_NATS_URL,
            &self.nats_url,
            "the NATS server to connect to, e.g. nats://127.0.0.1:4222",
        );
        required(
            ENV_SUBJECT_PREFIX,
            &self.subject_prefix,
            "this run's subject prefix, e.g. msgpact.run.3f9a1c2b",
        );
        required(
            ENV_PEER,
            &self.name,
            "this peer's name in the run, e.g. rust",
        );
        if !self.subject_prefix.is_empty() && !self.subject_prefix.split('.').all(is_token) {
            problems.push(format!(
                "{ENV_SUBJECT_PREFIX}={:?} is not a subject prefix: dot-separated tokens of [A-Za-z0-9_-]",
                self.subject_prefix
            ));
        }
        if !self.name.is_empty() && !is_token(&self.name) {
            problems.push(format!(
                "{ENV_PEER}={:?} is not a subject token: use only [A-Za-z0-9_-]",
                self.name
            ));
        }
        if let Some(creds) = &self.nats_creds {
            if !std::path::Path::new(creds).is_file() {
                problems.push(format!("{ENV_NATS_CREDS}={creds:?} is not a readable file"));
            }
        }
        if problems.is_empty() {
            return Ok(());
        }
        Err(Error::Config(format!(
            "msgpact peer: cannot start: {}. A peer is normally started by `msgpact verify`, which sets these \
             variables (see docs/peer-protocol.md, section 1).",
            problems.join("; ")
        )))
    }

    /// The wildcard subject the peer subscribes to: `<prefix>.<peer>.*`.
    pub fn subject(&self) -> String {
        format!("{}.{}.*", self.subject_prefix, self.name)
    }
}

fn is_token(t: &str) -> bool {
    !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The server addresses of a comma-separated URL list, and `opts` with the credentials of the first URL
/// that has some: `nats://user:pass@host` logs in with user and password, `nats://token@host` with a token
/// (percent-escapes decoded), like nats.go and nats-py do. async-nats ignores credentials in a URL, so a
/// peer that passed the URL through would be refused ("authorization violation").
pub fn with_url_credentials(
    opts: async_nats::ConnectOptions,
    url: &str,
) -> Result<(async_nats::ConnectOptions, Vec<async_nats::ServerAddr>), String> {
    let addrs = url
        .split(',')
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(|u| {
            u.parse::<async_nats::ServerAddr>()
                .map_err(|e| format!("`{}` is not a NATS server URL: {e}", redact_url(u)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if addrs.is_empty() {
        return Err("no server URL".into());
    }
    let opts = match addrs.iter().find(|a| a.has_user_pass()) {
        Some(a) => {
            let user = percent_decode(a.username().unwrap_or_default());
            match a.password() {
                Some(pass) => opts.user_and_password(user, percent_decode(pass)),
                None => opts.token(user),
            }
        }
        None => opts,
    };
    Ok((opts, addrs))
}

/// A URL list with the user information of each URL (user, password, token) written as `***`.
pub fn redact_url(url: &str) -> String {
    url.split(',')
        .map(|u| {
            let (scheme, rest) = match u.find("://") {
                Some(i) => (&u[..i + 3], &u[i + 3..]),
                None => ("", u),
            };
            let authority_end = rest.find('/').unwrap_or(rest.len());
            match rest[..authority_end].rfind('@') {
                Some(at) => format!("{scheme}***{}", &rest[at..]),
                None => u.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn percent_decode(s: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if let (Some(h), Some(l)) = (
                b.get(i + 1).and_then(|&c| hex(c)),
                b.get(i + 2).and_then(|&c| hex(c)),
            ) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_credentials_are_read_and_never_shown() {
        assert_eq!(
            redact_url("nats://alice:S3cr3t@127.0.0.1:4222,nats://tok@h2"),
            "nats://***@127.0.0.1:4222,nats://***@h2"
        );
        assert_eq!(redact_url("nats://127.0.0.1:4222"), "nats://127.0.0.1:4222");
        assert_eq!(percent_decode("p%40ss"), "p@ss");
        let (_, addrs) = with_url_credentials(
            async_nats::ConnectOptions::new(),
            "nats://alice:S3cr3t@127.0.0.1:4222, nats://h2:4222",
        )
        .unwrap();
        assert_eq!(addrs.len(), 2);
        assert_eq!(addrs[0].username(), Some("alice"));
        let e =
            with_url_credentials(async_nats::ConnectOptions::new(), "nats://a:b@[bad").unwrap_err();
        assert!(!e.contains(":b@"), "{e}");
    }

    #[test]
    fn config_reads_the_runs_contracts_hash_which_is_optional() {
        let env = |hash: Option<&'static str>| {
            move |name: &str| match name {
                ENV_NATS_URL => Some("nats://127.0.0.1:4222".to_string()),
                ENV_SUBJECT_PREFIX => Some("msgpact.run.1".to_string()),
                ENV_PEER => Some("own".to_string()),
                ENV_CONTRACTS_HASH => hash.map(str::to_string),
                _ => None,
            }
        };
        let c = Config::from_vars(env(Some(" sha256:lock "))).unwrap();
        assert_eq!(c.contracts_hash, "sha256:lock");
        assert_eq!(Config::from_vars(env(None)).unwrap().contracts_hash, "");
    }

    #[test]
    fn config_names_every_variable_at_fault() {
        let good = Config {
            nats_url: "nats://h:1".into(),
            nats_creds: None,
            subject_prefix: "msgpact.run.3f9a-1c_2b".into(),
            name: "rust-peer_1".into(),
            contracts_hash: String::new(),
        };
        assert_eq!(good.validate(), Ok(()));
        assert_eq!(good.subject(), "msgpact.run.3f9a-1c_2b.rust-peer_1.*");
        let empty = Config {
            nats_url: String::new(),
            nats_creds: None,
            subject_prefix: String::new(),
            name: String::new(),
            contracts_hash: String::new(),
        };
        let e = empty.validate().unwrap_err();
        assert_eq!(e.exit_code(), EXIT_CONFIG_ERROR);
        for var in [ENV_NATS_URL, ENV_SUBJECT_PREFIX, ENV_PEER] {
            assert!(e.to_string().contains(var), "{e}");
        }
        for (prefix, name) in [("a..b", "p"), ("a.b c", "p"), ("a", "p.q"), ("a", "p*")] {
            let bad = Config {
                subject_prefix: prefix.into(),
                name: name.into(),
                ..good.clone()
            };
            assert!(bad.validate().is_err(), "{prefix} {name}");
        }
        let creds = Config {
            nats_creds: Some("/nonexistent/user.creds".into()),
            ..good
        };
        assert!(creds
            .validate()
            .unwrap_err()
            .to_string()
            .contains(ENV_NATS_CREDS));
    }
}
