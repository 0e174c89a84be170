//! The `check` method of a Go message: the contract's constraints on its own fields (lengths, ranges,
//! NaN and infinities), with the error messages the other languages give.
use super::super::docs::length_unit;
use super::package::PackageGen;
use super::text::{fmt_escape, num_go};
use crate::codegen::CodegenError;
use crate::contract::{Message, Num, Type};
use std::fmt::Write as _;

impl PackageGen<'_> {
    pub(super) fn checks(&mut self, m: &Message, name: &str, fnames: &[String]) -> Result<String, CodegenError> {
        let mut out = String::new();
        for (i, (f, gname)) in m.fields.iter().zip(fnames).enumerate() {
            let mut lines: Vec<String> = Vec::new();
            let k = &f.constraints;
            let wire = format!("w[{i}]");
            // The value, as an expression, once it is known to be there; a field not on the wire (tag
            // "-") is not checked.
            let (open, x) = match (f.optional, f.nullable) {
                (false, false) => (format!("if {wire} != \"\" {{"), format!("v.{gname}")),
                (true, true) => (format!("if x, ok := v.{gname}.Get(); ok && {wire} != \"\" {{"), "x".to_string()),
                _ => (format!("if v.{gname} != nil && {wire} != \"\" {{"), format!("*v.{gname}")),
            };
            match &f.ty {
                Type::String | Type::Bytes | Type::List(_) | Type::Map(..) => {
                    let unit = length_unit(&f.ty).unwrap_or("entries");
                    let mut conds = Vec::new();
                    if let Some(min) = k.min_len.filter(|&m| m > 0) {
                        conds.push(format!("n < {min}"));
                    }
                    if let Some(max) = k.max_len {
                        conds.push(format!("n > {max}"));
                    }
                    if !conds.is_empty() {
                        let range = format!(
                            "{}..={}",
                            k.min_len.unwrap_or(0),
                            k.max_len.map(|m| m.to_string()).unwrap_or_default()
                        );
                        lines.push(format!("if n := len({x}); {} {{", conds.join(" || ")));
                        lines.push(format!(
                            "\treturn msgpactrt.Invalid({wire}, \"length %d {unit} is outside {range}\", n)"
                        ));
                        lines.push("}".into());
                    }
                }
                Type::Int(it) => {
                    if let Some(Num::Int(min)) = k.min.filter(|n| matches!(n, Num::Int(i) if *i > it.min())) {
                        lines.push(format!("if {x} < {min} {{"));
                        lines.push(format!(
                            "\treturn msgpactrt.Invalid({wire}, \"%d is below the minimum {min}\", {x})"
                        ));
                        lines.push("}".into());
                    }
                    if let Some(Num::Int(max)) = k.max.filter(|n| matches!(n, Num::Int(i) if *i < it.max())) {
                        lines.push(format!("if {x} > {max} {{"));
                        lines.push(format!(
                            "\treturn msgpactrt.Invalid({wire}, \"%d is above the maximum {max}\", {x})"
                        ));
                        lines.push("}".into());
                    }
                }
                Type::Float32 | Type::Float64 => {
                    let fx = if f.ty == Type::Float32 { format!("float64({x})") } else { x.clone() };
                    if !(k.allow_nan && k.allow_infinity) {
                        lines.push(format!(
                            "if err := msgpactrt.CheckFinite({fx}, {}, {}); err != nil {{",
                            k.allow_nan, k.allow_infinity
                        ));
                        lines.push(format!("\treturn msgpactrt.AtField(err, {wire})"));
                        lines.push("}".into());
                    }
                    // A float32 field compares in float32, against the bound rounded to float32 (as the golden
                    // `max`/`min` cases are), unless the bound is beyond float32's range.
                    let cmp = |b: Num| {
                        if f.ty == Type::Float32 && b.as_f64().abs() <= f32::MAX as f64 {
                            x.clone()
                        } else {
                            fx.clone()
                        }
                    };
                    if let Some(min) = k.min {
                        lines.push(format!("if {} < {} {{", cmp(min), num_go(min)));
                        lines.push(format!(
                            "\treturn msgpactrt.Invalid({wire}, \"%v is below the minimum {}\", {x})",
                            fmt_escape(&min.to_string())
                        ));
                        lines.push("}".into());
                    }
                    if let Some(max) = k.max {
                        lines.push(format!("if {} > {} {{", cmp(max), num_go(max)));
                        lines.push(format!(
                            "\treturn msgpactrt.Invalid({wire}, \"%v is above the maximum {}\", {x})",
                            fmt_escape(&max.to_string())
                        ));
                        lines.push("}".into());
                    }
                }
                _ => {}
            }
            if lines.is_empty() {
                continue;
            }
            if out.is_empty() {
                let _ = writeln!(out, "\tw := wire{name}");
            }
            let _ = writeln!(out, "\t{open}");
            for l in &lines {
                let _ = writeln!(out, "\t\t{l}");
            }
            let _ = writeln!(out, "\t}}");
        }
        Ok(out)
    }
}
