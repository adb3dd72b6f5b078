//! `connectwise-macros`: the `bundle!` macro (work in progress).
