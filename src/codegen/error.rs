//! codegen's one error type: a contract a generator cannot express (an unresolved type, a default that is
//! not a value of its type), or a Go import path that cannot be found. It becomes an `E801` diagnostic.
use crate::diag::{Code, Diagnostic};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CodegenError(pub String);

impl From<String> for CodegenError {
    fn from(message: String) -> Self {
        CodegenError(message)
    }
}

impl CodegenError {
    /// The diagnostic of a failed generation for `lang`.
    pub fn diagnostic(&self, lang: &str) -> Diagnostic {
        Diagnostic::without_span(
            Code::CodegenFailed,
            format!("codegen for {lang} failed: {}", self.0),
            "check the contracts with `msgpact lint`",
        )
    }
}
