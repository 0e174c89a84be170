//! `__init__.py`: the package's docstring, imports of every module and of the runtime's public names,
//! `__all__`, `CONTRACTS_HASH`, `MESSAGE_TYPES` and `ENUM_TYPES`.
use super::expr::Py;
use super::literals::py_str;
use super::text::{docstring, import_line};
use super::Gen;

impl Gen<'_> {
    pub(super) fn init_file(&self) -> String {
        let c = self.c;
        let mut pkgs: Vec<String> = c.packages.iter().map(|p| format!("{} {}", p.name, p.version)).collect();
        pkgs.sort();
        let mut o = self.header.clone();
        let doc = format!(
            "Message types generated from the msgpact contracts {}.\n\n\
             Each message is a dataclass with `to_msgpack()` and `from_msgpack(data)`; `decode(type_name, data)` and \
             `encode(value)` do the same by name. MESSAGE_TYPES maps \"package.Message\" to its class, ENUM_TYPES \
             \"package.Enum\" to its enum class, CONTRACTS_HASH is the wire hash of the contracts.\n\n\
             Absent and None: None is nil for a nullable field, and means absent (the key is not sent) for an optional \
             field; a field that is both optional and nullable uses ABSENT for absent and None for nil. Encoding and \
             decoding rules: see _runtime.",
            pkgs.join(", ")
        );
        o.push_str(&docstring(&doc, 0).join("\n"));
        o.push_str("\n\nfrom __future__ import annotations\n\n");
        let mut mods: Vec<&str> = self.modules.iter().map(String::as_str).collect();
        mods.sort();
        if !mods.is_empty() {
            o.push_str(&import_line("from . import ", &mods));
        }
        let rt = [
            "ABSENT",
            "Absent",
            "ContractError",
            "DecodeError",
            "EncodeError",
            "Message",
            "Timestamp",
            "decode",
            "encode",
        ];
        o.push_str(&import_line("from ._runtime import ", &rt));
        let mut all: Vec<String> = rt.iter().map(|s| s.to_string()).collect();
        all.extend(["CONTRACTS_HASH", "ENUM_TYPES", "MESSAGE_TYPES"].map(String::from));
        all.extend(mods.iter().map(|s| s.to_string()));
        all.sort();
        o.push('\n');
        o.push_str(&Py::List(all.into_iter().map(Py::Str).collect()).lines(0, "__all__ = ", "").join("\n"));
        o.push_str(&format!("\n\nCONTRACTS_HASH = {}\n\n", py_str(&self.hash)));
        let mut msgs = Vec::new();
        let mut enums = Vec::new();
        for (pi, p) in c.packages.iter().enumerate() {
            for (mi, m) in p.messages.iter().enumerate() {
                msgs.push((
                    Py::Str(format!("{}.{}", p.name, m.name)),
                    Py::Atom(format!("{}.{}", self.modules[pi], self.classes[pi][mi])),
                ));
            }
            for (ei, e) in p.enums.iter().enumerate() {
                enums.push((
                    Py::Str(format!("{}.{}", p.name, e.name)),
                    Py::Atom(format!("{}.{}", self.modules[pi], self.enum_classes[pi][ei])),
                ));
            }
        }
        o.push_str(&Py::Dict(msgs).lines(0, "MESSAGE_TYPES: dict[str, type[Message]] = ", "").join("\n"));
        o.push('\n');
        o.push_str(&Py::Dict(enums).lines(0, "ENUM_TYPES: dict[str, type] = ", "").join("\n"));
        o.push('\n');
        o
    }
}
