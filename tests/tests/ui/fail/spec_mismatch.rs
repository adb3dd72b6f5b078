fn main() {
    // What every `bundle!` expansion starts with, here with a fingerprint that is not the
    // spec's: as when connectwise-macros and connectwise were built from different specs.
    const _: () = connectwise::__private::assert_same_spec(0x0123_4567_89ab_cdef);
}
