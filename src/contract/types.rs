//! Type expressions as written in contracts: `uint32`, `list<string>`, `map<int32, chat.Turn>`.
use super::{IntType, Type};

/// Scalar type names, for parsing and for "did you mean" hints.
pub const SCALARS: [&str; 15] = [
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float32",
    "float64",
    "string",
    "bytes",
    "timestamp",
    "list",
];

const MAX_TYPE_DEPTH: usize = 32;

/// A parse error at a character offset within the expression.
#[derive(Debug, PartialEq)]
pub struct TypeError {
    pub offset: usize,
    pub message: String,
}

pub fn parse_type(text: &str) -> Result<Type, TypeError> {
    let mut p = P { s: text.as_bytes(), pos: 0 };
    let t = p.ty(0)?;
    p.ws();
    if p.pos != p.s.len() {
        return Err(p.err(format!("unexpected `{}` after the type", &text[p.pos..])));
    }
    Ok(t)
}

fn scalar(name: &str) -> Option<Type> {
    Some(match name {
        "bool" => Type::Bool,
        "float32" => Type::Float32,
        "float64" => Type::Float64,
        "string" => Type::String,
        "bytes" => Type::Bytes,
        "timestamp" => Type::Timestamp,
        _ => Type::Int(IntType::ALL.into_iter().find(|i| i.name() == name)?),
    })
}

struct P<'a> {
    s: &'a [u8],
    pos: usize,
}

impl P<'_> {
    fn err(&self, message: String) -> TypeError {
        TypeError { offset: self.pos, message }
    }
    fn ws(&mut self) {
        while self.s.get(self.pos).is_some_and(|c| c.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }
    fn eat(&mut self, c: u8) -> Result<(), TypeError> {
        self.ws();
        if self.s.get(self.pos) == Some(&c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(format!("expected `{}`", c as char)))
        }
    }
    fn ident(&mut self) -> Result<String, TypeError> {
        self.ws();
        let start = self.pos;
        while self.s.get(self.pos).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.') {
            self.pos += 1;
        }
        if start == self.pos {
            return Err(self.err("expected a type name".into()));
        }
        let name = String::from_utf8_lossy(&self.s[start..self.pos]).into_owned();
        let valid =
            name.split('.').all(|part| part.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_'));
        if !valid || name.split('.').count() > 2 {
            return Err(TypeError {
                offset: start,
                message: format!("`{name}` is not a type name (write `Name` or `package.Name`)"),
            });
        }
        Ok(name)
    }
    fn ty(&mut self, depth: usize) -> Result<Type, TypeError> {
        if depth > MAX_TYPE_DEPTH {
            return Err(self.err(format!("type nested deeper than {MAX_TYPE_DEPTH} levels")));
        }
        let name = self.ident()?;
        match name.as_str() {
            "list" => {
                self.eat(b'<')?;
                let t = self.ty(depth + 1)?;
                self.eat(b'>')?;
                Ok(Type::List(Box::new(t)))
            }
            "map" => {
                self.eat(b'<')?;
                let k = self.ty(depth + 1)?;
                self.eat(b',')?;
                let v = self.ty(depth + 1)?;
                self.eat(b'>')?;
                Ok(Type::Map(Box::new(k), Box::new(v)))
            }
            _ => Ok(scalar(&name).unwrap_or(Type::Named(name))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_types() {
        assert_eq!(
            parse_type("map<string, list<chat.Turn>>").unwrap(),
            Type::Map(Box::new(Type::String), Box::new(Type::List(Box::new(Type::Named("chat.Turn".into())))))
        );
        assert_eq!(parse_type(" uint32 ").unwrap(), Type::Int(IntType::U32));
    }

    #[test]
    fn reports_where_it_stopped() {
        assert_eq!(parse_type("list<string").unwrap_err().offset, 11);
        assert_eq!(parse_type("map<string>").unwrap_err().message, "expected `,`");
        assert!(parse_type("list<>").is_err());
        assert!(parse_type("a.b.c").is_err());
        assert!(parse_type("string extra").is_err());
    }

    #[test]
    fn deep_type_expressions_are_bounded() {
        let s = format!("{}string{}", "list<".repeat(10_000), ">".repeat(10_000));
        assert!(parse_type(&s).unwrap_err().message.contains("deeper"));
    }
}
