#!/usr/bin/env bash
# RUSTC_WRAPPER for bench/compile-time.sh: runs rustc under GNU time and appends one line
# "<crate-name> <wall s> <max RSS kB> <user s> <system s>" per compilation to $CW_BENCH_RUSTC_LOG.
# Calls without --crate-name (cargo asking `rustc -vV`, target info) and calls made while
# CW_BENCH_RUSTC_LOG is unset pass straight through.
rustc=$1
shift
crate=""
prev=""
for arg in "$@"; do
    if [ "$prev" = "--crate-name" ]; then crate=$arg; fi
    prev=$arg
done
if [ -z "$crate" ] || [ -z "${CW_BENCH_RUSTC_LOG:-}" ]; then
    exec "$rustc" "$@"
fi
out=$(mktemp)
/usr/bin/time -f "%e %M %U %S" -o "$out" "$rustc" "$@"
rc=$?
printf '%s %s\n' "$crate" "$(tail -n 1 "$out")" >>"$CW_BENCH_RUSTC_LOG"
rm -f "$out"
exit $rc
