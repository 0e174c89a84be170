//! MessagePack fuzz target: arbitrary bytes read by the liberal decoder and annotated against every
//! message type of the example contracts (`contracts/`).
//!
//! Oracles: never a panic or a hang; when `wire::decode` accepts the bytes, `annotate` reads them to the
//! end for every message type, and the canonical re-encoding is no longer than the input, decodes to the
//! same value and is a fixed point of decode/encode.
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgpact::annotate::annotate;
use msgpact::contract::Contracts;
use msgpact::wire::{decode, encode, Value};
use std::path::Path;
use std::sync::OnceLock;

fn contracts() -> &'static Contracts {
    static C: OnceLock<Contracts> = OnceLock::new();
    C.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts");
        let (c, d) = Contracts::load_dir(&dir);
        assert!(!d.has_errors(), "example contracts do not lint:\n{}", d.render_all(&c.sources));
        c
    })
}

/// Known bug (tests/bad_input.rs `annotate_reads_past_container_keys_of_a_message`): when a message map
/// has a key that is an array or a map, `annotate` reads only that key's header and loses its place. Until
/// it is fixed, such inputs are exempt from the "annotate reads to the end" oracle (they still must not
/// panic). Set MSGPACT_FUZZ_STRICT=1 to drop the exemption.
fn has_container_key(v: &Value) -> bool {
    match v {
        Value::Array(items) => items.iter().any(has_container_key),
        Value::Map(entries) => entries.iter().any(|(k, v)| matches!(k, Value::Array(_) | Value::Map(_)) || has_container_key(k) || has_container_key(v)),
        _ => false,
    }
}

fn strict() -> bool {
    static S: OnceLock<bool> = OnceLock::new();
    *S.get_or_init(|| std::env::var_os("MSGPACT_FUZZ_STRICT").is_some())
}

fuzz_target!(|data: &[u8]| {
    let c = contracts();
    let decoded = decode(data);
    let exempt = !strict() && decoded.as_ref().is_ok_and(has_container_key);
    for id in c.message_ids() {
        let r = annotate(c, id, data);
        let _ = r.render();
        if decoded.is_ok() && !exempt {
            assert!(r.error.is_none(), "decode accepts what annotate cannot read as {}: {:?}", c.message_name(id), r.error);
        }
    }
    if let Ok(v) = decoded {
        let e = encode(&v);
        assert!(e.len() <= data.len(), "canonical form is longer ({} > {})", e.len(), data.len());
        let again = decode(&e).expect("canonical bytes decode");
        assert!(again.same(&v), "{} != {}", again.render(), v.render());
        assert_eq!(encode(&again), e);
    }
});
