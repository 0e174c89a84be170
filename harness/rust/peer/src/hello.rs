//! The `hello` handshake reply (protocol section 3), built once when the peer starts serving.
//!
//! Why this module exists: the handshake reports library versions "as the peer's process sees them", not
//! versions copied into the source. In Rust that is what the binary was compiled with: build.rs reads the
//! versions of rmp-serde and async-nats from the `Cargo.lock` of the workspace being built.
use crate::peer::Peer;
use crate::protocol::PROTOCOL_VERSION;

/// What a Rust peer reports as `nats_library`.
pub const NATS_LIBRARY: &str = "async-nats";
/// The version of async-nats this SDK was compiled with.
pub const NATS_LIBRARY_VERSION: &str = env!("MSGPACT_ASYNC_NATS_VERSION");

impl Peer {
    /// The JSON body of the `hello` reply for a peer called `name`. Its `contracts_hash` is the one of
    /// [`crate::Info`], or, when that is empty (types written by hand), `run_contracts_hash`: the run's
    /// `MSGPACT_CONTRACTS_HASH` ([`crate::Config::contracts_hash`]), the contracts msgpact checks the types against.
    pub fn hello(&self, name: &str, run_contracts_hash: &str) -> String {
        let contracts_hash = if self.info.contracts_hash.is_empty() {
            run_contracts_hash
        } else {
            &self.info.contracts_hash
        };
        serde_json::json!({
            "protocol": PROTOCOL_VERSION,
            "name": name,
            "language": self.info.language,
            "library": self.info.library,
            "library_version": self.info.library_version,
            "nats_library": NATS_LIBRARY,
            "nats_library_version": NATS_LIBRARY_VERSION,
            "contracts_hash": contracts_hash,
            "types": self.types(),
        })
        .to_string()
    }
}

#[cfg(test)]
mod tests {
    use crate::{Info, Peer};

    #[test]
    fn hello_lists_the_registered_types_sorted() {
        let mut p = Peer::new(Info::rmp_serde("sha256:ab"));
        p.register_raw("z.Last", |b| Ok(b.to_vec()));
        p.register_raw("a.First", |b| Ok(b.to_vec()));
        let h: serde_json::Value = serde_json::from_str(&p.hello("rust", "sha256:run")).unwrap();
        assert_eq!(h["protocol"], 1);
        assert_eq!(h["name"], "rust");
        assert_eq!(h["library"], "rmp-serde");
        assert_eq!(
            h["contracts_hash"], "sha256:ab",
            "the types' own hash wins over the run's"
        );
        assert_eq!(h["types"], serde_json::json!(["a.First", "z.Last"]));
        assert_ne!(
            h["library_version"], "unknown",
            "build.rs found no Cargo.lock"
        );
    }

    #[test]
    fn hand_written_types_report_the_runs_contracts_hash() {
        let mut p = Peer::new(Info {
            contracts_hash: String::new(),
            ..Info::rmp_serde("")
        });
        p.register_raw("a.First", |b| Ok(b.to_vec()));
        let h: serde_json::Value = serde_json::from_str(&p.hello("own", "sha256:lock")).unwrap();
        assert_eq!(h["contracts_hash"], "sha256:lock");
        let h: serde_json::Value = serde_json::from_str(&p.hello("own", "")).unwrap();
        assert_eq!(h["contracts_hash"], "", "no hash anywhere: none reported");
    }
}
