//! Reporters of a verify run. Each consumes the same event stream ([`crate::verify::Event`]): the
//! terminal view for people, JUnit for CI systems, JSON for everything else.
pub mod json;
pub mod junit;
pub mod terminal;
