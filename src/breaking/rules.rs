//! The rule registry: every check `msgpact breaking` makes, with its ID, purpose, the compatibility it
//! breaks and how to roll such a change out. docs/breaking.md's table is generated from [`RULES`] (a test
//! fails when they differ), and every rule has a fixture pair under `tests/fixtures/breaking/<ID>/`.
//!
//! Directions, as Confluent's Schema Registry names them:
//! - **backward**: new readers can read data written by old writers. A change that breaks it is rolled
//!   out writers first (and old data must be drained).
//! - **forward**: old readers can read data written by new writers. A change that breaks it is rolled out
//!   readers first.
//! - a change that breaks both cannot be rolled out safely: add a new field (value, message) instead.
use super::Mode;

/// Which compatibility a rule's findings break.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Breaks {
    /// New readers cannot read old data.
    Backward,
    /// Old readers cannot read new data.
    Forward,
    /// Neither.
    Both,
    /// The bytes are unchanged in both directions, but generated code and references by name break.
    Source,
    /// A version-discipline rule about the package's declared version.
    Version,
}

impl Breaks {
    /// Whether findings of this kind are reported in `mode`. Source and version findings always are.
    pub fn in_mode(self, mode: Mode) -> bool {
        match self {
            Breaks::Backward => mode != Mode::Forward,
            Breaks::Forward => mode != Mode::Backward,
            Breaks::Both | Breaks::Source | Breaks::Version => true,
        }
    }
    pub fn backward(self) -> bool {
        matches!(self, Breaks::Backward | Breaks::Both)
    }
    pub fn forward(self) -> bool {
        matches!(self, Breaks::Forward | Breaks::Both)
    }
    /// `backward`, `forward`, `both`, `source`, `version` (the JSON form).
    pub fn id(self) -> &'static str {
        match self {
            Breaks::Backward => "backward",
            Breaks::Forward => "forward",
            Breaks::Both => "both",
            Breaks::Source => "source",
            Breaks::Version => "version",
        }
    }
    /// For people: "backward (new readers cannot read old data)".
    pub fn describe(self) -> &'static str {
        match self {
            Breaks::Backward => "backward compatibility (new readers cannot read old data)",
            Breaks::Forward => "forward compatibility (old readers cannot read new data)",
            Breaks::Both => "backward and forward compatibility (neither side reads the other's data)",
            Breaks::Source => "source compatibility (bytes unchanged; generated code and references by name break)",
            Breaks::Version => "version discipline",
        }
    }
}

/// Whether a finding fails the gate (exit 1) or is only shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Level {
    Error,
    Warning,
}

/// What a rule looks at; JUnit reports have one testcase per rule per message, enum or package.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    Message,
    Enum,
    Package,
}

/// One rule of the registry.
#[derive(Clone, Copy, Debug)]
pub struct RuleInfo {
    pub rule: Rule,
    pub id: &'static str,
    pub breaks: Breaks,
    pub level: Level,
    pub scope: Scope,
    /// One sentence: what the rule finds and why it matters on the wire.
    pub purpose: &'static str,
    /// How to make the change safely (for `Both` rules, the alternative to the change).
    pub fix: &'static str,
}

macro_rules! rules {
    ($($variant:ident = $id:literal, $breaks:ident, $level:ident, $scope:ident, $purpose:literal, $fix:literal;)*) => {
        /// Every rule `msgpact breaking` checks.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule { $($variant),* }

        /// The registry, in documentation order.
        pub const RULES: &[RuleInfo] = &[$(RuleInfo {
            rule: Rule::$variant,
            id: $id,
            breaks: Breaks::$breaks,
            level: Level::$level,
            scope: Scope::$scope,
            purpose: $purpose,
            fix: $fix,
        }),*];
    };
}

rules! {
    MessageRemoved = "MESSAGE_REMOVED", Backward, Error, Message,
        "A message of the previous version no longer exists, so new readers cannot decode what old writers still send.",
        "mark it `deprecated: true` first; remove it in a major version once no writer sends it and no old data remains";
    MessageRenamed = "MESSAGE_RENAMED", Source, Error, Message,
        "A message was renamed or moved to another package with the same fields: its bytes do not change, but generated types and `package.Message` references (other contracts, `--type`, golden paths) do.",
        "keep the old name, or add the new message next to the old one (deprecated) and remove the old one in a major version";
    MessageShapeChanged = "MESSAGE_SHAPE_CHANGED", Both, Error, Message,
        "A message switched between map and array shape: msgpack-python hands application code a list where it expected a dict (or the reverse), and vmihailenco needs arrays of exactly the field count.",
        "add a new message with the new shape instead";
    SubjectChanged = "SUBJECT_CHANGED", Both, Error, Message,
        "A subject of a message was replaced by another, so old writers and new readers (and new writers and old readers) no longer meet on NATS.",
        "list both subjects and publish on both until every service has moved, then drop the old one";
    SubjectRemoved = "SUBJECT_REMOVED", Both, Error, Message,
        "A message no longer lists a subject it was published on: new readers stop listening there and new writers stop publishing there.",
        "keep the subject listed until no service uses it, then remove it in a major version";
    FieldRemoved = "FIELD_REMOVED", Forward, Error, Message,
        "A required field of a map-shaped message was removed, but old readers still require its key (rmp-serde: missing field; Go: silently the zero value; Python: KeyError).",
        "make the field optional first and deploy that to every reader, then remove it";
    FieldAddedRequired = "FIELD_ADDED_REQUIRED", Backward, Error, Message,
        "A required field was added to a map-shaped message, and data written by old writers lacks it.",
        "add it with `optional: true`, and make it required later once every writer sends it";
    FieldRenamed = "FIELD_RENAMED", Both, Error, Message,
        "A field of a map-shaped message was renamed (one field removed and one of the same type added at its position): its key on the wire changed, so each side finds it missing in the other's data.",
        "add a new field instead and keep the old one (deprecated) until nobody reads it";
    FieldPositionChanged = "FIELD_POSITION_CHANGED", Both, Error, Message,
        "Fields of an array-shaped message were reordered, or a field was inserted or removed before others, so values arrive at other positions.",
        "never reorder array-shaped messages; add a new message instead";
    ArrayLengthChanged = "ARRAY_LENGTH_CHANGED", Both, Error, Message,
        "A field was appended to or removed from the end of an array-shaped message; rmp-serde (LengthMismatch) and vmihailenco (number of fields in array-encoded struct has changed) reject arrays of another length.",
        "add a new message instead (map-shaped messages can gain optional fields safely)";
    FieldTypeChanged = "FIELD_TYPE_CHANGED", Both, Error, Message,
        "A field's type changed so that neither side reads the other's data: string <-> bytes (str vs bin), int <-> string, timestamp <-> anything, another message, string <-> int enum.",
        "add a new field with the new type instead";
    FieldTypeWidened = "FIELD_TYPE_WIDENED", Forward, Error, Message,
        "A field's type accepts more than before (uint8 -> uint16, int32 -> int64, float32 -> float64, small int -> float, enum -> string, more enum values): new readers read old data, old readers may not read new data.",
        "deploy readers first; writers must stay within the old range until every reader is upgraded";
    FieldTypeNarrowed = "FIELD_TYPE_NARROWED", Backward, Error, Message,
        "A field's type accepts less than before (uint16 -> uint8, int64 -> int32, float64 -> float32, string -> enum): old data may not fit new readers (rmp-serde errors, Go wraps 300 into uint8 as 44 silently).",
        "deploy writers first, and make sure no old data outside the new range remains";
    FieldMadeRequired = "FIELD_MADE_REQUIRED", Backward, Error, Message,
        "An optional field became required, but old writers may have omitted it.",
        "deploy writers first (all must send it), drain old data, then readers";
    FieldMadeOptional = "FIELD_MADE_OPTIONAL", Forward, Error, Message,
        "A required field became optional: new writers may omit it, and old readers require it (rmp-serde: missing field; Go: silently the zero value; Python: KeyError).",
        "deploy readers first, then writers that omit it";
    FieldMadeNullable = "FIELD_MADE_NULLABLE", Forward, Error, Message,
        "A field became nullable: new writers may send nil (c0), which old readers reject (rmp-serde: invalid type: unit) or turn into a zero value (Go).",
        "deploy readers first, then writers that send nil";
    FieldMadeNotNullable = "FIELD_MADE_NOT_NULLABLE", Backward, Error, Message,
        "A nullable field is no longer nullable, but old data may hold nil.",
        "deploy writers first (none may send nil), drain old data, then readers";
    FieldDefaultChanged = "FIELD_DEFAULT_CHANGED", Both, Error, Message,
        "A field's default changed: services built from either version fill an absent key (Go omitempty, optional fields) with different values, so one payload means two things.",
        "keep the default; send the value explicitly, or add a new field";
    EnumValueRemoved = "ENUM_VALUE_REMOVED", Backward, Error, Enum,
        "An enum value was removed, but old data may still hold it and new readers reject it (rmp-serde: unknown variant; Python Enum: ValueError).",
        "deploy writers first (none may send it), drain old data, then remove it from readers";
    EnumValueAdded = "ENUM_VALUE_ADDED", Forward, Error, Enum,
        "An enum value was added: old readers reject values they do not know (rmp-serde: unknown variant; Python Enum: ValueError; Go accepts any string or number).",
        "deploy readers first, then writers that send the new value";
    EnumValueRenumbered = "ENUM_VALUE_RENUMBERED", Both, Error, Enum,
        "A value of an int-repr enum got another number, so the same number means another value to old and new services.",
        "never renumber; add a new value with a new number instead";
    EnumValueRenamed = "ENUM_VALUE_RENAMED", Both, Error, Enum,
        "A value of a string-repr enum was renamed, and its name is what travels on the wire.",
        "add the new name as a new value and remove the old one in a major version";
    EnumReprChanged = "ENUM_REPR_CHANGED", Both, Error, Enum,
        "An enum switched between string and int representation (str vs int on the wire).",
        "add a new enum and a new field instead";
    ConstraintTightened = "CONSTRAINT_TIGHTENED", Backward, Error, Message,
        "A constraint got narrower (min_len or min raised, max_len or max lowered, a bound added, allow_nan or allow_infinity removed), so old data may violate it.",
        "deploy writers first, and check that stored data satisfies the new constraint";
    ConstraintLoosened = "CONSTRAINT_LOOSENED", Forward, Error, Message,
        "A constraint got wider (a bound relaxed or removed, allow_nan or allow_infinity added), and old readers still validate the old one.",
        "deploy readers first, then writers that use the wider range";
    PackageVersionNotBumped = "PACKAGE_VERSION_NOT_BUMPED", Version, Error, Package,
        "A package has breaking changes but its major version was not bumped (for 0.x versions: its minor version).",
        "bump the major version (for 0.x versions: the minor version), or make the change compatible";
    PackageVersionNotChanged = "PACKAGE_VERSION_NOT_CHANGED", Version, Warning, Package,
        "A package changed compatibly but its version did not increase (a warning: it does not fail the gate).",
        "bump the minor version for additions, the patch version for docs and examples";
}

impl Rule {
    pub fn info(self) -> &'static RuleInfo {
        RULES.iter().find(|r| r.rule == self).expect("every rule is in the registry")
    }
    pub fn id(self) -> &'static str {
        self.info().id
    }
    pub fn breaks(self) -> Breaks {
        self.info().breaks
    }
    pub fn level(self) -> Level {
        self.info().level
    }
    /// The rule with this ID (`FIELD_REMOVED`).
    pub fn from_id(id: &str) -> Option<Rule> {
        RULES.iter().find(|r| r.id == id).map(|r| r.rule)
    }
    /// Which side must upgrade first: "deploy readers first", "deploy writers first", or
    /// "cannot be rolled out safely: ...".
    pub fn rollout(self) -> String {
        let info = self.info();
        match info.breaks {
            Breaks::Backward => "deploy writers first".into(),
            Breaks::Forward => "deploy readers first".into(),
            Breaks::Both => format!("cannot be rolled out safely: {}", info.fix),
            Breaks::Source => {
                "any order for the bytes; regenerate code and update references by name in every service".into()
            }
            Breaks::Version => info.fix.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_screaming_snake_case() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        assert!(ids.iter().all(|id| id.chars().all(|c| c.is_ascii_uppercase() || c == '_')));
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }

    #[test]
    fn purposes_are_one_sentence() {
        for r in RULES {
            assert!(r.purpose.ends_with('.'), "{}", r.id);
            assert!(!r.fix.ends_with('.'), "{}: fix is a phrase", r.id);
        }
    }

    #[test]
    fn modes_select_directions() {
        assert!(Breaks::Backward.in_mode(Mode::Backward) && !Breaks::Backward.in_mode(Mode::Forward));
        assert!(Breaks::Forward.in_mode(Mode::Forward) && !Breaks::Forward.in_mode(Mode::Backward));
        assert!(Breaks::Both.in_mode(Mode::Backward) && Breaks::Both.in_mode(Mode::Forward));
        for r in RULES {
            assert!(r.breaks.in_mode(Mode::Full));
        }
    }
}
