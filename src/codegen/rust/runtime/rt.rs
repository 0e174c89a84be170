/// The runtime the generated types need: timestamps as MessagePack ext -1, canonical maps,
/// constraint checks, and decode/encode entry points for rmp-serde.
pub mod rt {
    use serde::de::{self, DeserializeOwned, Deserializer, SeqAccess, Visitor};
    use serde::ser::{SerializeMap, Serializer};
    use serde::{Deserialize, Serialize};
    use std::collections::BTreeMap;
    use std::fmt;

    /// Why a payload could not be turned into a value, or a value into a payload.
    #[derive(Clone, Debug, PartialEq)]
    pub enum Error {
        Decode(String),
        Encode(String),
    }

    impl fmt::Display for Error {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                Error::Decode(m) => write!(f, "decode: {m}"),
                Error::Encode(m) => write!(f, "encode: {m}"),
            }
        }
    }

    impl std::error::Error for Error {}

    /// Constraint checks of the contract, run after every decode.
    pub trait Validate {
        fn validate(&self, path: &str) -> Result<(), Error>;
    }

    /// Decodes one value that fills `bytes`, then checks the contract's constraints.
    pub fn decode<T: DeserializeOwned + Validate>(bytes: &[u8]) -> Result<T, Error> {
        let mut de = rmp_serde::Deserializer::new(std::io::Cursor::new(bytes));
        let value = T::deserialize(&mut de).map_err(|e| Error::Decode(e.to_string()))?;
        let end = de.position() as usize;
        if end != bytes.len() {
            let extra = bytes.len() - end;
            return Err(Error::Decode(format!("{extra} byte(s) after the value")));
        }
        value.validate("$")?;
        Ok(value)
    }

    /// Encodes in the canonical profile: structs as maps keyed by field names.
    pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, Error> {
        rmp_serde::to_vec_named(value).map_err(|e| Error::Encode(e.to_string()))
    }

    /// Decode then encode: what a peer does with a payload.
    pub fn roundtrip<T: DeserializeOwned + Serialize + Validate>(
        bytes: &[u8],
    ) -> Result<Vec<u8>, Error> {
        encode(&decode::<T>(bytes)?)
    }

    /// A decode-then-encode function for one message type.
    pub type RoundTrip = fn(&[u8]) -> Result<Vec<u8>, Error>;

    /// A point in time: seconds since the Unix epoch and nanoseconds, sent as ext -1 in the
    /// smallest of its 32, 64 and 96-bit forms.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub struct Timestamp {
        pub secs: i64,
        pub nanos: u32,
    }

    impl Timestamp {
        fn ext_data(&self) -> Vec<u8> {
            if self.nanos == 0 && (0..=u32::MAX as i64).contains(&self.secs) {
                (self.secs as u32).to_be_bytes().to_vec()
            } else if (0..(1i64 << 34)).contains(&self.secs) {
                let v = ((self.nanos as u64) << 34) | self.secs as u64;
                v.to_be_bytes().to_vec()
            } else {
                let mut d = self.nanos.to_be_bytes().to_vec();
                d.extend_from_slice(&self.secs.to_be_bytes());
                d
            }
        }

        fn from_ext_data(d: &[u8]) -> Result<Timestamp, String> {
            let t = match d.len() {
                4 => Timestamp {
                    secs: u32::from_be_bytes([d[0], d[1], d[2], d[3]]) as i64,
                    nanos: 0,
                },
                8 => {
                    let mut b = [0u8; 8];
                    b.copy_from_slice(d);
                    let v = u64::from_be_bytes(b);
                    Timestamp {
                        secs: (v & ((1 << 34) - 1)) as i64,
                        nanos: (v >> 34) as u32,
                    }
                }
                12 => {
                    let mut s = [0u8; 8];
                    s.copy_from_slice(&d[4..]);
                    Timestamp {
                        secs: i64::from_be_bytes(s),
                        nanos: u32::from_be_bytes([d[0], d[1], d[2], d[3]]),
                    }
                }
                n => return Err(format!("timestamp of {n} bytes (4, 8 or 12 expected)")),
            };
            if t.nanos >= 1_000_000_000 {
                return Err(format!("timestamp nanoseconds {} >= 1e9", t.nanos));
            }
            Ok(t)
        }
    }

    impl Serialize for Timestamp {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let data = self.ext_data();
            let ext = (-1i8, serde_bytes::Bytes::new(&data));
            s.serialize_newtype_struct(rmp_serde::MSGPACK_EXT_STRUCT_NAME, &ext)
        }
    }

    impl<'de> Deserialize<'de> for Timestamp {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Timestamp;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a MessagePack timestamp (ext -1)")
                }
                fn visit_newtype_struct<D: Deserializer<'de>>(
                    self,
                    d: D,
                ) -> Result<Timestamp, D::Error> {
                    let (ty, data): (i8, serde_bytes::ByteBuf) = Deserialize::deserialize(d)?;
                    if ty != -1 {
                        return Err(de::Error::custom(format!("ext {ty} is not a timestamp")));
                    }
                    Timestamp::from_ext_data(&data).map_err(de::Error::custom)
                }
            }
            d.deserialize_newtype_struct(rmp_serde::MSGPACK_EXT_STRUCT_NAME, V)
        }
    }

    /// A map written with its keys sorted by their encoded bytes, as the canonical profile says.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Map<K: Ord, V>(pub BTreeMap<K, V>);

    impl<K: Ord, V> std::ops::Deref for Map<K, V> {
        type Target = BTreeMap<K, V>;
        fn deref(&self) -> &Self::Target {
            &self.0
        }
    }

    impl<K: Ord, V> std::ops::DerefMut for Map<K, V> {
        fn deref_mut(&mut self) -> &mut Self::Target {
            &mut self.0
        }
    }

    impl<K: Ord, V> FromIterator<(K, V)> for Map<K, V> {
        fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
            Map(iter.into_iter().collect())
        }
    }

    impl<K: Ord + Serialize, V: Serialize> Serialize for Map<K, V> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut entries = Vec::with_capacity(self.0.len());
            for (k, v) in &self.0 {
                let key = rmp_serde::to_vec(k).map_err(serde::ser::Error::custom)?;
                entries.push((key, k, v));
            }
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let mut m = s.serialize_map(Some(entries.len()))?;
            for (_, k, v) in entries {
                m.serialize_entry(k, v)?;
            }
            m.end()
        }
    }

    impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for Map<K, V> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            BTreeMap::deserialize(d).map(Map)
        }
    }

    /// A nullable field that is not optional: nil is allowed, an absent key is not.
    pub fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        Option::<T>::deserialize(d)
    }

    /// A field that is both optional and nullable: absent is `None`, nil is `Some(None)`.
    pub fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }

    /// An optional field that is not nullable: absent is `None` (serde's `default`), nil is refused
    /// (`Option<T>` alone would read nil as `None`).
    pub fn some<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        T::deserialize(d).map(Some)
    }

    /// Text that arrived as str and bytes that arrived as bin: serde reads a `String` from bin and
    /// a `ByteBuf` from str, and the contract keeps them apart.
    pub struct Strict<T>(pub T);

    impl<'de> Deserialize<'de> for Strict<String> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = String;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a str")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
                    Ok(v.to_string())
                }
                fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
                    Ok(v)
                }
            }
            d.deserialize_string(V).map(Strict)
        }
    }

    impl<'de> Deserialize<'de> for Strict<serde_bytes::ByteBuf> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = serde_bytes::ByteBuf;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a bin")
                }
                fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
                    Ok(serde_bytes::ByteBuf::from(v))
                }
                fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Self::Value, E> {
                    Ok(serde_bytes::ByteBuf::from(v))
                }
            }
            d.deserialize_byte_buf(V).map(Strict)
        }
    }

    /// The field types read strictly: text, bytes, and their nullable forms.
    pub trait StrictField: Sized {
        fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
    }

    impl StrictField for String {
        fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            Strict::<String>::deserialize(d).map(|s| s.0)
        }
    }

    impl StrictField for serde_bytes::ByteBuf {
        fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            Strict::<serde_bytes::ByteBuf>::deserialize(d).map(|s| s.0)
        }
    }

    impl StrictField for Option<String> {
        fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            Option::<Strict<String>>::deserialize(d).map(|o| o.map(|s| s.0))
        }
    }

    impl StrictField for Option<serde_bytes::ByteBuf> {
        fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            Option::<Strict<serde_bytes::ByteBuf>>::deserialize(d).map(|o| o.map(|s| s.0))
        }
    }

    /// A str or bin field (or a nullable one) read strictly.
    pub fn strict<'de, D: Deserializer<'de>, T: StrictField>(d: D) -> Result<T, D::Error> {
        T::read(d)
    }

    /// An optional str or bin field that is not nullable, read strictly.
    pub fn some_strict<'de, D: Deserializer<'de>, T: StrictField>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        T::read(d).map(Some)
    }

    /// An optional and nullable str or bin field, read strictly.
    pub fn present_strict<'de, D: Deserializer<'de>, T>(d: D) -> Result<Option<Option<T>>, D::Error>
    where
        Option<T>: StrictField,
    {
        <Option<T>>::read(d).map(Some)
    }

    /// Reads one item with [`StrictField::read`].
    struct StrictSeed<T>(std::marker::PhantomData<T>);

    impl<'de, T: StrictField> de::DeserializeSeed<'de> for StrictSeed<T> {
        type Value = T;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
            T::read(d)
        }
    }

    /// Reads the items of an array-shaped message one by one.
    pub struct Items<'a, A>(pub &'a mut A, pub usize);

    impl<'de, A: SeqAccess<'de>> Items<'_, A> {
        pub fn required<T: Deserialize<'de>>(&mut self, name: &str) -> Result<T, A::Error> {
            self.1 += 1;
            let missing = || de::Error::custom(format!("missing required field `{name}`"));
            self.0.next_element()?.ok_or_else(missing)
        }
        pub fn optional<T: Deserialize<'de>>(&mut self) -> Result<Option<T>, A::Error> {
            self.1 += 1;
            self.0.next_element()
        }
        /// A required str or bin item, read strictly (see [`Strict`]).
        pub fn required_strict<T: StrictField>(&mut self, name: &str) -> Result<T, A::Error> {
            self.1 += 1;
            let missing = || de::Error::custom(format!("missing required field `{name}`"));
            let seed = StrictSeed::<T>(std::marker::PhantomData);
            self.0.next_element_seed(seed)?.ok_or_else(missing)
        }
        /// An optional str or bin item, read strictly.
        pub fn optional_strict<T: StrictField>(&mut self) -> Result<Option<T>, A::Error> {
            self.1 += 1;
            self.0
                .next_element_seed(StrictSeed::<T>(std::marker::PhantomData))
        }
        /// Refuses an item after the last field: an array-shaped message has no more items than
        /// fields (appending one is a breaking change, docs/breaking.md).
        pub fn finish(self) -> Result<(), A::Error> {
            if self.0.next_element::<de::IgnoredAny>()?.is_some() {
                let n = self.1;
                return Err(de::Error::custom(format!(
                    "an item after the last of the {n} fields of an array-shaped message"
                )));
            }
            Ok(())
        }
    }

    /// A length (UTF-8 bytes, bytes, items or entries) within the contract's bounds.
    pub fn check_len(
        p: &str,
        name: &str,
        n: usize,
        min: Option<u64>,
        max: Option<u64>,
    ) -> Result<(), Error> {
        let n = n as u64;
        if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
            let lo = min.unwrap_or(0);
            let hi = max.map_or(String::new(), |m| m.to_string());
            return Err(Error::Decode(format!(
                "{p}.{name}: length {n} is outside {lo}..={hi}"
            )));
        }
        Ok(())
    }

    /// A number within the contract's `min` and `max`.
    pub fn check_range(
        p: &str,
        name: &str,
        x: f64,
        min: Option<f64>,
        max: Option<f64>,
    ) -> Result<(), Error> {
        if min.is_some_and(|m| x < m) || max.is_some_and(|m| x > m) {
            return Err(Error::Decode(format!(
                "{p}.{name}: {x} is outside the allowed range"
            )));
        }
        Ok(())
    }

    /// NaN and infinities only where the contract allows them.
    pub fn check_float(
        p: &str,
        name: &str,
        x: f64,
        nan: bool,
        infinity: bool,
    ) -> Result<(), Error> {
        if (x.is_nan() && !nan) || (x.is_infinite() && !infinity) {
            return Err(Error::Decode(format!("{p}.{name}: {x} is not allowed")));
        }
        Ok(())
    }
}
