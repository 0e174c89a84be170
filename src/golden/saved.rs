//! Saved cases: failures `msgpact fuzz --save` kept in golden/ as `<package>/<Message>/fuzz.<id>.msgpack`
//! with their twin.
//!
//! Every other golden case is derived from the contracts; these are not, so they persist by what is on
//! disk: [`load`] reads every `fuzz.*.msgpack` under golden/ whose message type still exists and whose bytes
//! are still a valid canonical value of it (types, constraints, key order: the reading twins use), and
//! [`all`] adds them to the derived cases. `golden --check`, `golden --write`, verify and the snapshot test
//! all work on [`all`], so a saved case is checked, kept and sent like any other. One that no longer fits
//! (its type is gone, a field was added, a constraint narrowed) is not loaded: `golden --check` lists it as
//! removed, and `golden --write` removes it. Its twin is always regenerated from the bytes and the
//! contract, so the `.msgpack` file is the one source.
use super::{generate, twin, Case, Origin};
use crate::annotate::annotate;
use crate::contract::{Contracts, MsgId};
use crate::wire::{decode, encode};
use std::path::Path;

/// The prefix of saved cases' ids.
pub const PREFIX: &str = "fuzz.";

/// The id of a saved case of these canonical bytes: `fuzz.` and the first 12 hex digits of their sha256
/// (the same value saved twice is one case).
pub fn case_id(bytes: &[u8]) -> String {
    format!("{PREFIX}{}", &twin::sha256_hex(bytes)[..12])
}

/// Whether `bytes` are a valid canonical payload of `id`: no problem and no deviation when read against
/// the contract, exactly as a twin is annotated.
pub fn fits(c: &Contracts, id: MsgId, bytes: &[u8]) -> bool {
    let r = annotate(c, id, bytes);
    r.error.is_none() && r.findings().next().is_none()
}

/// The saved cases under `dir` that still fit their message type, in a stable order (by message, then id).
pub fn load(c: &Contracts, dir: &Path) -> Vec<Case> {
    let mut out = Vec::new();
    for id in c.message_ids() {
        let m = c.message(id);
        let msg_dir = dir.join(&c.package_of(id).name).join(&m.name);
        let Ok(entries) = std::fs::read_dir(&msg_dir) else { continue };
        let mut names: Vec<String> = entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
        names.sort();
        for name in names {
            let Some(case_id) = name.strip_suffix(".msgpack").filter(|n| n.starts_with(PREFIX)) else { continue };
            let Ok(bytes) = std::fs::read(msg_dir.join(&name)) else { continue };
            if !fits(c, id, &bytes) {
                continue;
            }
            let Ok(value) = decode(&bytes) else { continue };
            if encode(&value) != bytes {
                continue;
            }
            out.push(Case { message: id, id: case_id.to_string(), value, bytes, origin: Origin::Drawn });
        }
    }
    out
}

/// Every golden case: those the contracts generate, then the saved ones under `dir`.
pub fn all(c: &Contracts, dir: &Path) -> Vec<Case> {
    let mut cases = generate(c);
    cases.extend(load(c, dir));
    cases
}

/// Writes `case` (a value drawn by fuzz) into `dir` as a saved case; returns its key
/// (`<package>/<Message>/fuzz.<id>`). Both files are written atomically.
pub fn save(c: &Contracts, dir: &Path, case: &Case) -> std::io::Result<String> {
    let key = format!("{}/{}/{}", c.package_of(case.message).name, c.message(case.message).name, case.id);
    let base = dir.join(&key);
    crate::fsx::write_atomic(&base.with_extension_added("msgpack"), &case.bytes)?;
    crate::fsx::write_atomic(&base.with_extension_added("snap"), twin::snap_file(c, case).as_bytes())?;
    Ok(key)
}

/// `path` with `.ext` appended (a case id has dots of its own, so `set_extension` would cut it).
trait AddExtension {
    fn with_extension_added(&self, ext: &str) -> std::path::PathBuf;
}

impl AddExtension for std::path::PathBuf {
    fn with_extension_added(&self, ext: &str) -> std::path::PathBuf {
        let mut s = self.as_os_str().to_owned();
        s.push(".");
        s.push(ext);
        s.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Value;

    fn contracts() -> Contracts {
        let text = "package: p\nversion: 1.0.0\nmessages:\n  M:\n    fields:\n      - {name: s, type: string, constraints: {max_len: 4}}\n";
        let (c, d) = crate::contract::load_sources(vec![("p.yaml".into(), Ok(text.as_bytes().to_vec()))]);
        assert!(!d.has_errors(), "{}", d.render_all(&c.sources));
        c
    }

    fn case(c: &Contracts, s: &str) -> Case {
        let id = c.find_message("p.M").unwrap();
        let value = Value::Map(vec![(Value::Str("s".into()), Value::Str(s.into()))]);
        let bytes = encode(&value);
        Case { message: id, id: case_id(&bytes), value, bytes, origin: Origin::Drawn }
    }

    #[test]
    fn a_saved_case_is_loaded_back_with_the_derived_ones() {
        let c = contracts();
        let dir = tempfile::tempdir().unwrap();
        let k = case(&c, "\0é");
        let key = save(&c, dir.path(), &k).unwrap();
        assert_eq!(key, format!("p/M/{}", k.id));
        assert!(dir.path().join(format!("{key}.snap")).is_file());
        let loaded = load(&c, dir.path());
        assert_eq!(loaded.len(), 1);
        assert_eq!((loaded[0].id.as_str(), &loaded[0].bytes), (k.id.as_str(), &k.bytes));
        assert_eq!(all(&c, dir.path()).len(), generate(&c).len() + 1);
    }

    #[test]
    fn a_saved_case_that_no_longer_fits_its_contract_is_not_loaded() {
        let c = contracts();
        let dir = tempfile::tempdir().unwrap();
        let key = save(&c, dir.path(), &case(&c, "abc")).unwrap();
        // Five bytes: over the contract's max_len of 4 (as after a narrowed constraint).
        let long = case(&c, "abcde");
        std::fs::write(dir.path().join("p/M/fuzz.000000000000.msgpack"), &long.bytes).unwrap();
        // Not canonical: a str8 header for three bytes.
        std::fs::write(dir.path().join("p/M/fuzz.111111111111.msgpack"), b"\x81\xa1s\xd9\x03abc").unwrap();
        let loaded = load(&c, dir.path());
        assert_eq!(loaded.iter().map(|k| format!("p/M/{}", k.id)).collect::<Vec<_>>(), vec![key]);
    }
}
