//! Contract loader fuzz target: arbitrary bytes as a contract file.
//!
//! 1. In memory: `yaml::parse` and the loader's first pass (`load::load_bytes`), rendering every
//!    diagnostic. 2. From a file: the whole pipeline (`Contracts::load_files`: checks across files,
//!    examples). 3. When the file is a valid contract: golden generation, and every case must decode to its
//!    value, re-encode to its bytes and (unless MSGPACT_FUZZ_LAX is set) annotate without problems.
//! Never a panic, an abort, a hang or an out-of-memory.
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgpact::annotate::annotate;
use msgpact::contract::{load, Contracts};
use msgpact::diag::Diagnostics;
use msgpact::golden::{cases, twin};
use msgpact::source::FileId;
use msgpact::wire::{decode, encode};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn scratch() -> &'static (PathBuf, bool) {
    static FILE: OnceLock<(PathBuf, bool)> = OnceLock::new();
    FILE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("msgpact-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch dir");
        (dir.join("fuzz.yaml"), std::env::var_os("MSGPACT_FUZZ_LAX").is_some())
    })
}

fuzz_target!(|data: &[u8]| {
    let mut c = Contracts::default();
    let mut d = Diagnostics::default();
    let file = c.sources.add(Path::new("fuzz.yaml"));
    assert_eq!(file, FileId(0));
    load::load_bytes(&mut c, &mut d, file, data);
    let _ = d.render_all(&c.sources);

    let (path, lax) = scratch();
    std::fs::write(path, data).expect("write scratch file");
    let (c, d) = Contracts::load_files(std::slice::from_ref(path));
    let _ = d.render_all(&c.sources);
    if d.has_errors() {
        return;
    }
    for id in c.message_ids() {
        for case in cases::for_message(&c, id) {
            let v = decode(&case.bytes).unwrap_or_else(|e| panic!("case {} does not decode: {e}", case.id));
            assert!(v.same(&case.value), "case {}: decodes to {} not {}", case.id, v.render(), case.value.render());
            assert_eq!(encode(&v), case.bytes, "case {}: not canonical", case.id);
            let r = annotate(&c, id, &case.bytes);
            assert!(r.error.is_none(), "case {}: {}", case.id, r.render());
            if !lax {
                assert_eq!(r.problems(), 0, "case {} of {} does not fit its own contract:\n{}", case.id, c.message_name(id), r.render());
            }
            let _ = twin::body(&c, &case);
        }
    }
});
