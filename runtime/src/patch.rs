//! The typed half of the patch builder: which paths a patch of `T` may change
//! ([`PatchTarget<T>`]) and which values fit a field's kind ([`PatchValue<K>`]).
//!
//! ```ignore
//! use connectwise::models::{ServiceStatusReference, Ticket};
//!
//! let patch = Ticket::patch(5)
//!     .replace(Ticket::fields().summary(), "Printer on fire")        // {"op":"replace","path":"summary",..}
//!     .replace(Ticket::fields().status().id(), 3)                     // "path":"status/id"
//!     .replace(Ticket::fields().board(), BoardReference { id: Some(1), ..Default::default() })
//!     .remove(Ticket::fields().budget_hours())
//!     .custom_field(7, "EMEA");                                       // one replace of customFields
//! ```
//!
//! The paths are the typed field accessors of conditions (`Ticket::fields()...`), so a
//! misspelt field does not compile; a field of another model, or one inside a list
//! (`customFields/value`), is not a [`PatchTarget`] of the patch; and the value must fit the
//! field's kind:
//!
//! | kind | values |
//! |---|---|
//! | [`Text`] | `&str`, `String`, `&String`, `char`, `Cow<str>` |
//! | [`Integer`] | the integer types |
//! | [`Number`] | the integer types, `f32`, `f64` (finite) |
//! | [`Boolean`] | `bool` |
//! | [`DateTime`] | `chrono::DateTime<Tz>`, `NaiveDateTime` (UTC), `NaiveDate` (midnight UTC) |
//! | [`Date`] | `chrono::NaiveDate` |
//! | [`Enum<E>`] | `E`, `&E` (the generated enum) |
//! | [`Model<N>`] (a nested model: `status`) | `N`, `&N` |
//! | [`List<K>`] (a list field) | `Vec<V>`, `[V; n]`, for `V` of kind `K` |
//! | [`Json`] (free-form) | anything `Serialize` |
//! | [`Map`] (`_info`) | `BTreeMap<String, V>`, `HashMap<String, V>`, `serde_json::Map` |
//!
//! Anything else is a compile error that names the field's kind. All of this is generic
//! here; the generated code is only the accessors.

use crate::conditions::{
    Boolean, Date, DateTime, Each, Enum, Field, Fields, Integer, Json, List, Map, Number, Root,
    Text,
};
use serde::Serialize;
use serde_json::Value;
use std::marker::PhantomData;

/// The kind of a nested model field (`status`: `Model<ServiceStatusReference>`): a patch
/// replaces it with a whole `N`.
pub struct Model<N>(PhantomData<fn() -> N>, std::convert::Infallible);

/// A path that a patch of `T` may change: a field of `T`'s own accessors (`T::fields()...`)
/// that crosses no list, a nested model field, or a list field as a whole.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a field that a patch of `{T}` can change",
    label = "not a path of `{T}::fields()` outside a list",
    note = "take the path from the patched model's accessors: `{T}::fields().summary()`, `{T}::fields().status().id()`",
    note = "a field inside a list (`customFields/value`) cannot be patched alone: replace the whole list, or use `.custom_field(id, value)`"
)]
pub trait PatchTarget<T> {
    /// The kind of value the field takes.
    type Kind;
    /// The path as JSON Patch operations name it (`status/id`), or why there is none.
    #[doc(hidden)]
    fn patch_path(&self) -> Result<String, String>;
}

impl<K, T> PatchTarget<T> for Field<K, Root<T>> {
    type Kind = K;
    fn patch_path(&self) -> Result<String, String> {
        Ok(self.path())
    }
}

impl<N, T> PatchTarget<T> for Fields<N, Root<T>> {
    type Kind = Model<N>;
    fn patch_path(&self) -> Result<String, String> {
        model_path(self.names())
    }
}

impl<N, T> PatchTarget<T> for Fields<N, Each<Root<T>>> {
    type Kind = List<Model<N>>;
    fn patch_path(&self) -> Result<String, String> {
        model_path(self.names())
    }
}

impl<T, F: PatchTarget<T>> PatchTarget<T> for &F {
    type Kind = F::Kind;
    fn patch_path(&self) -> Result<String, String> {
        (**self).patch_path()
    }
}

fn model_path(names: &[&str]) -> Result<String, String> {
    if names.is_empty() {
        return Err("`fields()` is the record itself, not one of its fields: \
                    use `put` to replace a whole record"
            .into());
    }
    Ok(names.join("/"))
}

/// A value that fits a field of kind `K` in a patch; see the module documentation for which.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a value for a field of kind `{K}` in a patch",
    label = "a value of the wrong kind for this field",
    note = "text fields take `&str`/`String`; integer fields integers; number fields integers or floats; boolean fields `bool`; date-time fields `chrono::DateTime`, `NaiveDateTime` or `NaiveDate`; date fields `chrono::NaiveDate`; enum fields the generated enum; a nested model field the model; a list field a `Vec`",
    note = "`.replace_path(path, value)` is the untyped escape hatch"
)]
pub trait PatchValue<K> {
    /// The JSON value, or why there is none (a NaN).
    #[doc(hidden)]
    fn patch_value(self) -> Result<Value, String>;
}

fn json(value: impl Serialize) -> Result<Value, String> {
    serde_json::to_value(value).map_err(|e| e.to_string())
}

fn float(number: f64) -> Result<Value, String> {
    serde_json::Number::from_f64(number)
        .map(Value::Number)
        .ok_or_else(|| format!("{number} is not a number JSON can hold"))
}

fn date_time(date: chrono::DateTime<chrono::Utc>) -> Result<Value, String> {
    json(date)
}

macro_rules! values {
    ($kind:ty: $($t:ty => $f:expr),* $(,)?) => {$(
        impl PatchValue<$kind> for $t {
            fn patch_value(self) -> Result<Value, String> {
                #[allow(clippy::redundant_closure_call)]
                ($f)(self)
            }
        }
    )*};
}

values!(Text:
    &str => json, String => json, &String => json, char => json,
    std::borrow::Cow<'_, str> => json,
);
values!(Integer:
    i8 => json, i16 => json, i32 => json, i64 => json, isize => json,
    u8 => json, u16 => json, u32 => json, u64 => json, usize => json,
);
values!(Number:
    i8 => json, i16 => json, i32 => json, i64 => json, isize => json,
    u8 => json, u16 => json, u32 => json, u64 => json, usize => json,
    f32 => |v: f32| float(f64::from(v)), f64 => float,
);
values!(Boolean: bool => json);
values!(DateTime:
    chrono::NaiveDateTime => |v: chrono::NaiveDateTime| date_time(v.and_utc()),
    chrono::NaiveDate => |v: chrono::NaiveDate| date_time(v.and_time(chrono::NaiveTime::MIN).and_utc()),
);
values!(Date: chrono::NaiveDate => json);

impl<Tz: chrono::TimeZone> PatchValue<DateTime> for chrono::DateTime<Tz> {
    fn patch_value(self) -> Result<Value, String> {
        date_time(self.with_timezone(&chrono::Utc))
    }
}

/// The generated enum's wire value.
impl<E: Serialize> PatchValue<Enum<E>> for E {
    fn patch_value(self) -> Result<Value, String> {
        json(self)
    }
}

impl<E: Serialize> PatchValue<Enum<E>> for &E {
    fn patch_value(self) -> Result<Value, String> {
        json(self)
    }
}

/// A whole nested model: `status` with `ServiceStatusReference { id: Some(3), .. }` (fields
/// left `None` are not sent).
impl<N: Serialize> PatchValue<Model<N>> for N {
    fn patch_value(self) -> Result<Value, String> {
        json(self)
    }
}

impl<N: Serialize> PatchValue<Model<N>> for &N {
    fn patch_value(self) -> Result<Value, String> {
        json(self)
    }
}

impl<K, V: PatchValue<K>> PatchValue<List<K>> for Vec<V> {
    fn patch_value(self) -> Result<Value, String> {
        self.into_iter()
            .map(PatchValue::patch_value)
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array)
    }
}

impl<K, V: PatchValue<K>, const N: usize> PatchValue<List<K>> for [V; N] {
    fn patch_value(self) -> Result<Value, String> {
        Vec::from(self).patch_value()
    }
}

/// Free-form JSON takes anything.
impl<V: Serialize> PatchValue<Json> for V {
    fn patch_value(self) -> Result<Value, String> {
        json(self)
    }
}

impl<V: Serialize> PatchValue<Map> for std::collections::BTreeMap<String, V> {
    fn patch_value(self) -> Result<Value, String> {
        json(self)
    }
}

impl<V: Serialize, S: std::hash::BuildHasher> PatchValue<Map>
    for std::collections::HashMap<String, V, S>
{
    fn patch_value(self) -> Result<Value, String> {
        json(self)
    }
}

impl PatchValue<Map> for serde_json::Map<String, Value> {
    fn patch_value(self) -> Result<Value, String> {
        Ok(Value::Object(self))
    }
}
