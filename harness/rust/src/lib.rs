//! The msgpact peer SDK for Rust: serve your own types as a peer of `msgpact verify`.
//!
//! A peer decodes each payload it is sent into a native type and encodes it back; this crate does the
//! rest of docs/peer-protocol.md (environment, NATS subscription, handshake, headers, error replies,
//! signals), so that a peer is a short list of types:
//!
//! ```no_run
//! use msgpact_peer::{Info, Peer};
//! # fn decode(b: &[u8]) -> Result<u32, String> { Ok(b.len() as u32) }
//! # fn encode(v: &u32) -> Result<Vec<u8>, String> { Ok(vec![*v as u8]) }
//! let mut peer = Peer::new(Info::rmp_serde(""));
//! peer.handle_types("chat.ChatRequest", decode, encode);
//! std::process::exit(peer.run());
//! ```
use async_nats::HeaderMap;
use futures::StreamExt;
use std::collections::BTreeMap;
use std::sync::Arc;

pub const HEADER_TYPE: &str = "Msgpact-Type";
pub const HEADER_CASE: &str = "Msgpact-Case";
pub const HEADER_STATUS: &str = "Msgpact-Status";
pub const HEADER_ERROR: &str = "Msgpact-Error";
pub const QUEUE_GROUP: &str = "msgpact";
pub const READY_LINE: &str = "msgpact-peer ready";
pub const PROTOCOL: u32 = 1;

/// What the handshake says about this peer.
#[derive(Clone, Debug)]
pub struct Info {
    pub language: String,
    pub library: String,
    pub library_version: String,
    /// The wire hash of the contracts the types were generated from, or "" for hand-written types.
    pub contracts_hash: String,
}

impl Info {
    /// A Rust peer on rmp-serde, with the version this binary was built with.
    pub fn rmp_serde(contracts_hash: &str) -> Info {
        Info {
            language: "rust".into(),
            library: "rmp-serde".into(),
            library_version: env!("MSGPACT_RMP_SERDE_VERSION").into(),
            contracts_hash: contracts_hash.into(),
        }
    }
}

/// Why a payload could not be served.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    Decode(String),
    Encode(String),
}

type Handler = Arc<dyn Fn(&[u8]) -> Result<Vec<u8>, Failure> + Send + Sync>;

pub struct Peer {
    info: Info,
    handlers: BTreeMap<String, Handler>,
}

impl Peer {
    pub fn new(info: Info) -> Peer {
        Peer {
            info,
            handlers: BTreeMap::new(),
        }
    }

    /// Serves `name` (`package.Message`) with a decode-then-encode function.
    pub fn handle(
        &mut self,
        name: &str,
        f: impl Fn(&[u8]) -> Result<Vec<u8>, Failure> + Send + Sync + 'static,
    ) {
        assert!(
            name.split('.').count() == 2,
            "message types are named `package.Message`, not `{name}`"
        );
        assert!(
            self.handlers
                .insert(name.to_string(), Arc::new(f))
                .is_none(),
            "`{name}` is registered twice"
        );
    }

    /// Serves `name` with a decode function and an encode function of your own type.
    pub fn handle_types<T, E1: std::fmt::Display, E2: std::fmt::Display>(
        &mut self,
        name: &str,
        decode: impl Fn(&[u8]) -> Result<T, E1> + Send + Sync + 'static,
        encode: impl Fn(&T) -> Result<Vec<u8>, E2> + Send + Sync + 'static,
    ) {
        self.handle(name, move |bytes| {
            let v = decode(bytes).map_err(|e| Failure::Decode(e.to_string()))?;
            encode(&v).map_err(|e| Failure::Encode(e.to_string()))
        });
    }

    /// Serves `name` with a serde type: rmp-serde reads it, and writes it back with struct fields as a map
    /// (`to_vec_named`), as the canonical profile wants. Bytes still need `serde_bytes`, timestamps an ext -1
    /// type; msgpact verify tells when they are missing.
    pub fn handle_serde<T: serde::de::DeserializeOwned + serde::Serialize + 'static>(
        &mut self,
        name: &str,
    ) {
        self.handle_types(
            name,
            |b: &[u8]| rmp_serde::from_slice::<T>(b),
            |v: &T| rmp_serde::to_vec_named(v),
        );
    }

    /// Reads the MSGPACT_* environment and serves until SIGTERM/SIGINT. Returns the exit code:
    /// 0 after a signal, 2 for a bad environment, 1 when NATS cannot be reached.
    pub fn run(self) -> i32 {
        let env = match Env::read() {
            Ok(e) => e,
            Err(e) => {
                eprintln!("msgpact-peer: {e}");
                return 2;
            }
        };
        let rt = match tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => {
                eprintln!("msgpact-peer: cannot start the async runtime: {e}");
                return 1;
            }
        };
        rt.block_on(self.serve(env))
    }

    async fn serve(self, env: Env) -> i32 {
        let mut opts = async_nats::ConnectOptions::new().name(format!("msgpact-peer-{}", env.peer));
        if let Some(creds) = &env.creds {
            opts = match opts.credentials_file(creds).await {
                Ok(o) => o,
                Err(e) => {
                    eprintln!("msgpact-peer: cannot read MSGPACT_NATS_CREDS {creds}: {e}");
                    return 2;
                }
            };
        }
        let shown = redact_url(&env.url);
        let (opts, addrs) = match with_url_credentials(opts, &env.url) {
            Ok(x) => x,
            Err(e) => {
                eprintln!("msgpact-peer: MSGPACT_NATS_URL {shown}: {e}");
                return 2;
            }
        };
        let client = match opts.connect(addrs).await {
            Ok(c) => c,
            Err(e) => {
                eprintln!("msgpact-peer: cannot connect to {shown}: {e}");
                return 1;
            }
        };
        let subject = format!("{}.{}.*", env.prefix, env.peer);
        let mut sub = match client
            .queue_subscribe(subject.clone(), QUEUE_GROUP.into())
            .await
        {
            Ok(s) => s,
            Err(e) => {
                eprintln!("msgpact-peer: cannot subscribe to {subject}: {e}");
                return 1;
            }
        };
        if let Err(e) = client.flush().await {
            eprintln!("msgpact-peer: cannot flush: {e}");
            return 1;
        }
        let hello = self.hello(&env.peer);
        eprintln!("{READY_LINE}");
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("msgpact-peer: cannot watch SIGTERM: {e}");
                    return 1;
                }
            };
        loop {
            let msg = tokio::select! {
                m = sub.next() => m,
                _ = term.recv() => break,
                _ = tokio::signal::ctrl_c() => break,
            };
            let Some(msg) = msg else {
                eprintln!("msgpact-peer: the NATS subscription ended");
                return 0;
            };
            let Some(reply) = msg.reply.clone() else {
                continue;
            };
            let op = msg.subject.rsplit('.').next().unwrap_or("");
            let (mut headers, mut body) = match op {
                "hello" => (HeaderMap::new(), hello.clone().into_bytes()),
                "roundtrip" => self.roundtrip(msg.headers.as_ref(), &msg.payload),
                other => (
                    status(
                        "internal-error",
                        Some(&format!("unknown operation `{other}`")),
                        None,
                    ),
                    Vec::new(),
                ),
            };
            let max = client.server_info().max_payload;
            if body.len() > max {
                let case = headers.get(HEADER_CASE).map(|v| v.as_str().to_string());
                let text = format!(
                    "the re-encoded payload of {} bytes exceeds the server's max_payload of {max}",
                    body.len()
                );
                headers = status("internal-error", Some(&text), case.as_deref());
                body = Vec::new();
            }
            if let Err(e) = client
                .publish_with_headers(reply, headers, body.into())
                .await
            {
                eprintln!("msgpact-peer: cannot reply: {e}");
            }
        }
        let _ = sub.unsubscribe().await;
        let _ = client.flush().await;
        0
    }

    fn hello(&self, name: &str) -> String {
        serde_json::json!({
            "protocol": PROTOCOL,
            "name": name,
            "language": self.info.language,
            "library": self.info.library,
            "library_version": self.info.library_version,
            "nats_library": "async-nats",
            "nats_library_version": env!("MSGPACT_ASYNC_NATS_VERSION"),
            "contracts_hash": self.info.contracts_hash,
            "types": self.handlers.keys().collect::<Vec<_>>(),
        })
        .to_string()
    }

    fn roundtrip(&self, headers: Option<&HeaderMap>, payload: &[u8]) -> (HeaderMap, Vec<u8>) {
        let get = |h: &str| {
            headers
                .and_then(|m| m.get(h))
                .map(|v| v.as_str().to_string())
                .filter(|v| !v.is_empty())
        };
        let case = get(HEADER_CASE);
        let Some(ty) = get(HEADER_TYPE) else {
            return (
                status(
                    "internal-error",
                    Some("missing Msgpact-Type header"),
                    case.as_deref(),
                ),
                Vec::new(),
            );
        };
        if case.is_none() {
            return (
                status("internal-error", Some("missing Msgpact-Case header"), None),
                Vec::new(),
            );
        }
        let Some(handler) = self.handlers.get(&ty) else {
            return (
                status(
                    "unknown-type",
                    Some(&format!("this peer does not serve `{ty}`")),
                    case.as_deref(),
                ),
                Vec::new(),
            );
        };
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler(payload)));
        match result {
            Ok(Ok(bytes)) => (status("ok", None, case.as_deref()), bytes),
            Ok(Err(Failure::Decode(e))) => (
                status("decode-error", Some(&e), case.as_deref()),
                Vec::new(),
            ),
            Ok(Err(Failure::Encode(e))) => (
                status("encode-error", Some(&e), case.as_deref()),
                Vec::new(),
            ),
            Err(panic) => {
                let text = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                (
                    status(
                        "internal-error",
                        Some(&format!("panic: {text}")),
                        case.as_deref(),
                    ),
                    Vec::new(),
                )
            }
        }
    }
}

fn status(s: &str, error: Option<&str>, case: Option<&str>) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(HEADER_STATUS, s);
    if let Some(c) = case {
        h.insert(HEADER_CASE, c);
    }
    if let Some(e) = error {
        h.insert(HEADER_ERROR, one_line(e).as_str());
    }
    h
}

/// One line of at most 1,000 bytes, cut on a character boundary.
pub fn one_line(text: &str) -> String {
    let mut s: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if s.len() > 1000 {
        let mut end = 997;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push('…');
    }
    s
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

struct Env {
    url: String,
    creds: Option<String>,
    prefix: String,
    peer: String,
}

impl Env {
    fn read() -> Result<Env, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let need = |name: &str| {
            var(name).ok_or_else(|| format!("{name} is not set; peers are started by `msgpact verify` (docs/peer-protocol.md)"))
        };
        let env = Env {
            url: need("MSGPACT_NATS_URL")?,
            creds: var("MSGPACT_NATS_CREDS"),
            prefix: need("MSGPACT_SUBJECT_PREFIX")?,
            peer: need("MSGPACT_PEER")?,
        };
        let token_ok = |t: &str| {
            !t.is_empty()
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        };
        if !env.prefix.split('.').all(token_ok) || !token_ok(&env.peer) {
            return Err(format!("MSGPACT_SUBJECT_PREFIX `{}` or MSGPACT_PEER `{}` is not made of NATS subject tokens [A-Za-z0-9_-]", env.prefix, env.peer));
        }
        Ok(env)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_one_short_line() {
        assert_eq!(one_line("a\nb"), "a b");
        let long = "é".repeat(800);
        let cut = one_line(&long);
        assert!(cut.len() <= 1000 && cut.ends_with('…'));
    }

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
    fn roundtrip_statuses() {
        let mut p = Peer::new(Info::rmp_serde(""));
        p.handle("t.Ok", |b| Ok(b.to_vec()));
        p.handle("t.Bad", |_| Err(Failure::Decode("nope".into())));
        let mut h = HeaderMap::new();
        h.insert(HEADER_TYPE, "t.Ok");
        h.insert(HEADER_CASE, "c1");
        let (r, body) = p.roundtrip(Some(&h), b"\x01");
        assert_eq!(r.get(HEADER_STATUS).unwrap().as_str(), "ok");
        assert_eq!(r.get(HEADER_CASE).unwrap().as_str(), "c1");
        assert_eq!(body, b"\x01");
        h.insert(HEADER_TYPE, "t.Bad");
        let (r, _) = p.roundtrip(Some(&h), b"\x01");
        assert_eq!(r.get(HEADER_STATUS).unwrap().as_str(), "decode-error");
        h.insert(HEADER_TYPE, "t.None");
        let (r, _) = p.roundtrip(Some(&h), b"\x01");
        assert_eq!(r.get(HEADER_STATUS).unwrap().as_str(), "unknown-type");
        p.handle_serde::<std::collections::BTreeMap<String, u32>>("t.Map");
        h.insert(HEADER_TYPE, "t.Map");
        let (r, body) = p.roundtrip(Some(&h), b"\x81\xa1a\xcd\x00\x05");
        assert_eq!(r.get(HEADER_STATUS).unwrap().as_str(), "ok");
        assert_eq!(body, b"\x81\xa1a\x05", "re-encoded in the smallest form");
        h.insert(HEADER_TYPE, "t.None");
        let (r, _) = p.roundtrip(Some(&h), b"\x01");
        assert_eq!(r.get(HEADER_STATUS).unwrap().as_str(), "unknown-type");
        let (r, _) = p.roundtrip(None, b"\x01");
        assert_eq!(r.get(HEADER_STATUS).unwrap().as_str(), "internal-error");
    }
}
