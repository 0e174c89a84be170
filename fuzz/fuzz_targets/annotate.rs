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
use msgpact::wire::{decode, encode};
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

fuzz_target!(|data: &[u8]| {
    let c = contracts();
    let decoded = decode(data);
    for id in c.message_ids() {
        let r = annotate(c, id, data);
        let _ = r.render();
        if decoded.is_ok() {
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
