//! One redaction of secrets for every text that leaves msgpact: the terminal, `--json`, `--junit`, peer
//! logs, build logs and GitHub annotations all pass through [`redact`].
//!
//! Secrets reach msgpact in NATS URLs (`nats://user:pass@host`, `nats://token@host`) and credentials files
//! (a user JWT and an NKey seed), and they come back in other people's words: a peer's error line quoting
//! its URL, a client library's message. So redaction does not rely on a caller knowing what is secret:
//!
//! - the user information of any `scheme://user:pass@host` in any text is written as `***`;
//! - every secret registered with [`add_url`] or [`add_creds_file`] (passwords, tokens, seeds, JWTs, in
//!   their plain, percent-encoded, JSON- and XML-escaped forms) is replaced wherever it appears;
//! - anything shaped like an NKey seed (`SU…`, 58 base32 characters) or a JWT (`eyJ….….…`) is replaced too.
use std::borrow::Cow;
use std::sync::RwLock;

/// What a secret is replaced with.
pub const MASK: &str = "***";

/// Registered secrets, longest first (so that a secret containing another is replaced whole).
static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Shortest secret replaced in free text. Shorter ones (a one-letter token) would mangle every word; they
/// are still hidden inside URLs, which is where they appear.
const MIN_FREE_SECRET: usize = 4;

/// `text` with every secret replaced by `***`. Borrows when nothing was replaced.
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    if text.contains("://") {
        out = Cow::Owned(userinfo(&out));
    }
    if let Ok(secrets) = SECRETS.read() {
        for s in secrets.iter() {
            if out.contains(s.as_str()) {
                out = Cow::Owned(out.replace(s.as_str(), MASK));
            }
        }
    }
    if out.contains("eyJ") || has_seed_prefix(&out) {
        out = Cow::Owned(shaped(&out));
    }
    out
}

/// A URL (or a comma-separated list) with its user information written as `***`, for showing.
pub fn url(u: &str) -> String {
    redact(u).into_owned()
}

/// Registers the password or token of every URL of a comma-separated list, so that they are hidden even
/// where they appear without their URL.
pub fn add_url(urls: &str) {
    for u in urls.split(',') {
        let Some((_, rest)) = u.trim().split_once("://") else { continue };
        let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
        let Some(at) = authority.rfind('@') else { continue };
        let info = &authority[..at];
        match info.split_once(':') {
            Some((_user, pass)) => add_secret(pass),
            None => add_secret(info),
        }
    }
}

/// Registers the JWT and the NKey seed of a NATS credentials file (read up to 64 KiB; an unreadable file
/// registers nothing, and the url backend reports it).
pub fn add_creds_file(path: &std::path::Path) {
    let Ok(bytes) = crate::limits::read_file(path, 64 << 10) else { return };
    let text = String::from_utf8_lossy(&bytes);
    for line in text.lines().map(str::trim) {
        if !line.is_empty() && !line.starts_with("---") && !line.starts_with('*') && !line.contains(' ') {
            add_secret(line);
        }
    }
}

/// Registers one secret in every form it may be printed in.
pub fn add_secret(secret: &str) {
    if secret.is_empty() {
        return;
    }
    let decoded = percent_decode(secret);
    let mut forms = vec![secret.to_string(), decoded.clone()];
    for s in [secret, decoded.as_str()] {
        forms.push(serde_json::to_string(s).unwrap_or_default().trim_matches('"').to_string());
        forms.push(s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;"));
    }
    let Ok(mut secrets) = SECRETS.write() else { return };
    for f in forms {
        if f.len() >= MIN_FREE_SECRET && !secrets.contains(&f) {
            secrets.push(f);
        }
    }
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// Every `scheme://INFO@host` with INFO written as `***`.
fn userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        out.push_str(&rest[..i + 3]);
        rest = &rest[i + 3..];
        let end = rest.find(|c: char| c.is_whitespace() || "/\"'<>,`()[]{}".contains(c)).unwrap_or(rest.len());
        if let Some(at) = rest[..end].rfind('@') {
            out.push_str(MASK);
            rest = &rest[at..];
        }
    }
    out.push_str(rest);
    out
}

const BASE32: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE64URL: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn has_seed_prefix(text: &str) -> bool {
    ["SU", "SA", "SO", "SN", "SC", "SX", "SP"].iter().any(|p| text.contains(p))
}

/// NKey seeds and JWTs, recognised by their shape.
fn shaped(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        let boundary = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        let len = if boundary { seed_len(&b[i..]).or_else(|| jwt_len(&b[i..])) } else { None };
        match len {
            Some(n) => {
                out.push_str(&text[copied..i]);
                out.push_str(MASK);
                i += n;
                copied = i;
            }
            None => i += 1,
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// An NKey seed: `S` and a key type letter, then base32 up to 58 characters in all.
fn seed_len(b: &[u8]) -> Option<usize> {
    if b.len() < 58 || b[0] != b'S' || !b"UAONCXP".contains(&b[1]) {
        return None;
    }
    let n = b.iter().take_while(|c| BASE32.as_bytes().contains(c)).count();
    (n == 58).then_some(58)
}

/// A JWT: three base64url parts separated by dots, the first starting with `eyJ` (`{"`).
fn jwt_len(b: &[u8]) -> Option<usize> {
    if !b.starts_with(b"eyJ") {
        return None;
    }
    let part = |from: usize| b[from..].iter().take_while(|c| BASE64URL.as_bytes().contains(c)).count();
    let a = part(0);
    if a < 10 || b.get(a) != Some(&b'.') {
        return None;
    }
    let p = part(a + 1);
    if p < 2 || b.get(a + 1 + p) != Some(&b'.') {
        return None;
    }
    Some(a + 1 + p + 1 + part(a + p + 2))
}

/// `%40` -> `@`; invalid escapes stay as they are.
pub fn percent_decode(s: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let (Some(h), Some(l)) = (bytes.get(i + 1).and_then(|&b| hex(b)), bytes.get(i + 2).and_then(|&b| hex(b)))
            {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_information_of_any_url_is_hidden() {
        assert_eq!(redact("nats://u:p@h:4222"), "nats://***@h:4222");
        assert_eq!(redact("nats://tok@h:4222,nats://h2"), "nats://***@h:4222,nats://h2");
        assert_eq!(redact("h:4222"), "h:4222");
        assert_eq!(
            redact("msgpact-peer: cannot connect to nats://alice:pw@127.0.0.1:4222: authorization violation"),
            "msgpact-peer: cannot connect to nats://***@127.0.0.1:4222: authorization violation"
        );
        assert_eq!(redact("see https://example.com/a@b"), "see https://example.com/a@b", "@ in a path is kept");
    }

    #[test]
    fn registered_secrets_are_hidden_in_every_form() {
        add_url("nats://alice:Pw%40redact-test-1@127.0.0.1:4222");
        assert_eq!(redact("password Pw@redact-test-1 leaked"), "password *** leaked");
        assert_eq!(redact("raw Pw%40redact-test-1"), "raw ***");
        add_secret("tok\"<redact-test-2>");
        assert_eq!(redact(r#"{"e":"tok\"<redact-test-2>"}"#), r#"{"e":"***"}"#);
        assert_eq!(redact("<e>tok&quot;&lt;redact-test-2&gt;</e>"), "<e>***</e>");
        add_secret("ab");
        assert_eq!(redact("a cab"), "a cab", "too short for free text");
    }

    #[test]
    fn seeds_and_jwts_are_hidden_by_their_shape() {
        let seed = format!("SU{}", "A".repeat(56));
        assert_eq!(redact(&format!("seed {seed} end")), "seed *** end");
        let jwt = "eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.eyJqdGkiOiJBQkMifQ.c2lnbmF0dXJl";
        assert_eq!(redact(&format!("jwt={jwt};")), "jwt=***;");
        assert_eq!(redact("SUMMARY: ok"), "SUMMARY: ok");
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("p%40ss%3a"), "p@ss:");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("a%2"), "a%2");
    }
}
