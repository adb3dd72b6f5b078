#!/usr/bin/env bash
# Code generation time and `cargo check` time + peak memory of the generated code: ours (the
# `connectwise` runtime crate, whose build.rs runs connectwise-codegen) against progenitor's
# generated crate for the same spec, side by side in one run. Results: BENCHMARKS.md.
#
#   bash bench/compile-time.sh            # from the repository root
#
# Environment:
#   RUNS=N              rounds of measurements (best is reported); default 2
#   FULL_SPEC=FILE      default ../shared/specs/connectwise-manage-2025.x-reconstructed.json
#   WORK=DIR            scratch folder; default /tmp/cw-bench (everything derived goes there)
#   TARGET=DIR          cargo target dir for our crate; default /tmp/cw-bench-target (the sample
#                       spec's check uses $TARGET-sample: same features, so it would share the
#                       build script's OUT_DIR, and each switch of spec would rerun the generator)
#   PROG_TARGET=DIR     cargo target dir for progenitor's crates; default /tmp/cw-bench-target-progenitor
#   PROG_ROOT=DIR       where cargo-progenitor is (installed if missing); default /tmp/cw-progenitor
#   SKIP_PROGENITOR=1   measure only ours
#   REPORT_ONLY=1       print the tables again from $WORK/results.tsv
#
# Method. Every crate is first checked once (warm-up: its dependencies, and for ours the build
# script, which runs the code generator). Then, RUNS rounds, each measuring every configuration
# one after the other (so that ours and progenitor's see the same machine load): touch the
# crate's src/lib.rs and run `cargo check` under GNU time. Only the crate itself is recompiled
# (for ours the build script does not rerun: spec and build.rs did not change), so the figures
# are the generated crate's own. Incremental compilation is off (CARGO_INCREMENTAL=0), as it is
# for a crate that users get from a registry; with it on, a touch-only re-check of an unchanged
# crate reuses the previous session's results and measures much less than a real check.
# Figures per measurement:
#   - cargo wall, cargo CPU: GNU time around `cargo check` (includes cargo's start-up);
#   - rustc wall, rustc CPU, rustc peak RSS: the one rustc process compiling the crate, recorded
#     by bench/rustc-wrapper.sh (RUSTC_WRAPPER: GNU time around each rustc);
#   - tree peak RSS: GNU time's "Maximum resident set size" around cargo, which on Linux is the
#     max over cargo and the children it waited for (in practice: that rustc).
# Generation is timed the same way: `cwgen` (release) and `cargo progenitor`, into a fresh folder.
# CPU = user + system time: on a machine shared with other work it moves less than wall time.
#
# The vendor spec is never copied into the repository: the repository is snapshotted into
# $WORK/src (without target/ and .git/) and measured there; the spec is read where it is;
# progenitor's (patched) copies and every generated file live under $WORK.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${RUNS:-2}
FULL_SPEC=${FULL_SPEC:-$ROOT/../shared/specs/connectwise-manage-2025.x-reconstructed.json}
WORK=${WORK:-/tmp/cw-bench}
TARGET=${TARGET:-/tmp/cw-bench-target}
PROG_TARGET=${PROG_TARGET:-/tmp/cw-bench-target-progenitor}
PROG_ROOT=${PROG_ROOT:-/tmp/cw-progenitor}
PROG_VERSION=0.15.1
SKIP_PROGENITOR=${SKIP_PROGENITOR:-0}
WRAPPER=$ROOT/bench/rustc-wrapper.sh
RESULTS=$WORK/results.tsv
mkdir -p "$WORK/logs"

note() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# --- report (from $RESULTS) -------------------------------------------------------------------------
# Columns: kind id label run wall rss cpu rustc_wall rustc_rss rustc_cpu ("-": not applicable).
report() {
    awk -F'\t' -v runs="$RUNS" '
    function mb(kb) { return sprintf("%.0f", kb / 1024) }
    function better(a, b) { return b == "" || (a != "FAILED" && (b == "FAILED" || a + 0 < b + 0)) }
    function cell(v, f) { return v == "" || v == "-" ? "-" : v == "FAILED" ? "FAILED" : f == "mb" ? mb(v) : v }
    {
        key = $1 SUBSEP $2
        if (!(key in label)) { order[++n] = key; label[key] = $3 }
        for (c = 5; c <= 10; c++) if ($c != "-" && better($c, best[key, c])) best[key, c] = $c
    }
    END {
        print "### Code generation (best of " runs ")"
        print ""
        print "| generator | wall (s) | CPU (s) | peak RSS (MiB) |"
        print "|---|---:|---:|---:|"
        for (i = 1; i <= n; i++) { o = order[i]; split(o, k, SUBSEP); if (k[1] == "gen")
            print "| " label[o] " | " cell(best[o, 5]) " | " cell(best[o, 7]) " | " cell(best[o, 6], "mb") " |" }
        print ""
        print "### cargo check of the generated crate alone, dependencies built (best of " runs ")"
        print ""
        print "| crate | cargo check wall (s) | rustc wall (s) | rustc CPU (s) | rustc peak RSS (MiB) | tree peak RSS (MiB) |"
        print "|---|---:|---:|---:|---:|---:|"
        for (i = 1; i <= n; i++) { o = order[i]; split(o, k, SUBSEP); if (k[1] == "check")
            print "| " label[o] " | " cell(best[o, 5]) " | " cell(best[o, 8]) " | " cell(best[o, 10]) " | " cell(best[o, 9], "mb") " | " cell(best[o, 6], "mb") " |" }
        print ""
        print "### Ratios (ours / progenitor)"
        print ""
        ratio("gen", "ours-full", "progenitor-full", "generation, full spec", 5, 7, 0)
        ratio("gen", "ours-sample", "progenitor-sample", "generation, sample spec", 5, 7, 0)
        ratio("check", "ours-full-all", "progenitor-full", "cargo check, full spec, all features", 8, 10, 9)
        ratio("check", "ours-full-service", "progenitor-full", "cargo check, full spec, service only (vs progenitor full)", 8, 10, 9)
        ratio("check", "ours-full-company", "progenitor-full", "cargo check, full spec, company only (vs progenitor full)", 8, 10, 9)
        ratio("check", "ours-full-none", "progenitor-full", "cargo check, full spec, no module (vs progenitor full)", 8, 10, 9)
        ratio("check", "ours-sample-all", "progenitor-sample", "cargo check, sample spec, all features", 8, 10, 9)
    }
    function ratio(kind, a, b, what, cw, cc, cr,    out) {
        a = kind SUBSEP a; b = kind SUBSEP b
        out = part(a, b, cw, "wall", "s") part(a, b, cc, "CPU", "s") (cr ? part(a, b, cr, "peak RSS", "MiB") : "")
        print "- " what ":" substr(out, 2)
    }
    function part(a, b, c, name, unit,    x, y) {
        x = best[a, c]; y = best[b, c]
        if (x == "" || y == "" || x == "FAILED" || y == "FAILED" || y + 0 == 0) return "; " name " not measured"
        if (unit == "MiB") return sprintf("; %s %s / %s MiB = %.2f", name, mb(x), mb(y), x / y)
        return sprintf("; %s %s / %s s = %.2f", name, x, y, x / y)
    }
    ' "$RESULTS"
}

if [ "${REPORT_ONLY:-0}" = 1 ]; then
    report
    exit 0
fi

[ -f "$FULL_SPEC" ] || { echo "full-scale spec not found: $FULL_SPEC" >&2; exit 1; }
FULL_SPEC=$(cd "$(dirname "$FULL_SPEC")" && pwd)/$(basename "$FULL_SPEC")
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time): apt-get install time" >&2; exit 1; }
command -v jq >/dev/null || { echo "needs jq: apt-get install jq" >&2; exit 1; }
: >"$RESULTS"

# --- helpers -------------------------------------------------------------------------------------
# timed OUTFILE CMD...: runs CMD under GNU time; leaves "wall_s maxrss_kb cpu_s" in OUTFILE.
timed() {
    local out=$1 rc=0
    shift
    /usr/bin/time -f "%e %M %U %S" -o "$out.time" "$@" || rc=$?
    tail -n 1 "$out.time" | awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' >"$out"
    return $rc
}

# record KIND ID LABEL RUN WALL RSS CPU [RUSTC_WALL RUSTC_RSS RUSTC_CPU]
record() {
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" \
        "${8:--}" "${9:--}" "${10:--}" >>"$RESULTS"
}

# Configurations to check: id, label, directory, lib.rs to touch, rustc crate name, target dir,
# CONNECTWISE_SPEC (empty: none), cargo arguments.
CFG_IDS=()
declare -A CFG_LABEL CFG_DIR CFG_LIB CFG_CRATE CFG_TARGET CFG_SPEC CFG_ARGS CFG_OK
add_check() {
    CFG_IDS+=("$1")
    CFG_LABEL[$1]=$2 CFG_DIR[$1]=$3 CFG_LIB[$1]=$4 CFG_CRATE[$1]=$5 CFG_TARGET[$1]=$6 CFG_SPEC[$1]=$7
    CFG_ARGS[$1]=$8
}
cargo_check() { # ID LOGFILE TIMEFILE ("": untimed) [extra env...]
    local id=$1 log=$2 timefile=$3
    shift 3
    local envs=(CARGO_TARGET_DIR="${CFG_TARGET[$id]}" RUSTC_WRAPPER="$WRAPPER" CARGO_INCREMENTAL=0
        CARGO_TERM_COLOR=never "$@")
    if [ -n "${CFG_SPEC[$id]}" ]; then
        envs+=(CONNECTWISE_SPEC="${CFG_SPEC[$id]}" CONNECTWISE_OVERRIDES="$OVERRIDES")
    fi
    local cmd=(env "${envs[@]}" cargo check)
    # shellcheck disable=SC2206 # CFG_ARGS is a list of plain words
    cmd+=(${CFG_ARGS[$id]})
    if [ -n "$timefile" ]; then cmd=(timed "$timefile" "${cmd[@]}"); fi
    (cd "${CFG_DIR[$id]}" && "${cmd[@]}" >"$log" 2>&1)
}
warm_up() { # ID
    local id=$1
    note "warm-up $id: cargo check ${CFG_ARGS[$id]}"
    if cargo_check "$id" "$WORK/logs/check-$id.warm.log" ""; then
        CFG_OK[$id]=1
    else
        CFG_OK[$id]=0
        note "warm-up $id FAILED; see $WORK/logs/check-$id.warm.log"
        tail -n 15 "$WORK/logs/check-$id.warm.log" >&2
        record check "$id" "${CFG_LABEL[$id]}" 0 FAILED FAILED FAILED FAILED FAILED FAILED
    fi
}
measure_check() { # ID RUN
    local id=$1 run=$2
    [ "${CFG_OK[$id]}" = 1 ] || return 0
    local base=$WORK/logs/check-$id.$run
    : >"$base.rustc"
    touch "${CFG_LIB[$id]}"
    if ! cargo_check "$id" "$base.log" "$base.cargo" CW_BENCH_RUSTC_LOG="$base.rustc"; then
        note "check $id run $run FAILED; see $base.log"
        record check "$id" "${CFG_LABEL[$id]}" "$run" FAILED FAILED FAILED FAILED FAILED FAILED
        return 0
    fi
    local cw cr cc rw rr rc
    read -r cw cr cc <"$base.cargo"
    read -r rw rr rc < <(awk -v c="${CFG_CRATE[$id]}" '$1 == c {w = $2; r = $3; u = $4 + $5}
        END {if (w == "") print "- - -"; else printf "%s %s %.2f\n", w, r, u}' "$base.rustc")
    note "check $id run $run: cargo ${cw}s; rustc ${rw}s wall ${rc}s CPU ${rr}kB; $(wc -l <"$base.rustc") rustc call(s)"
    record check "$id" "${CFG_LABEL[$id]}" "$run" "$cw" "$cr" "$cc" "$rw" "$rr" "$rc"
}

# --- machine -------------------------------------------------------------------------------------
echo "# bench/compile-time.sh, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "- machine: $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GiB; $(rustc --version); $(cargo --version)"
echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (shared machine: other work runs at the same time)"
echo "- repository: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')," \
    "$(git -C "$ROOT" status --porcelain 2>/dev/null | wc -l) paths changed in the work tree (measured as they are)"
echo "- rounds: $RUNS (best of them reported)"

# --- snapshot of the workspace -------------------------------------------------------------------
SRC=$WORK/src
note "snapshot $ROOT -> $SRC"
rm -rf "$SRC"
mkdir -p "$SRC"
# tar keeps the files' mtimes, so cargo's fingerprints from an earlier snapshot stay valid.
tar -C "$ROOT" --exclude=./target --exclude=./.git -cf - . | tar -C "$SRC" -xf -
SAMPLE_SPEC=$SRC/codegen/specs/connectwise-sample.json
OVERRIDES=$SRC/codegen/specs/overrides.json

# --- preparation: cwgen, cargo-progenitor, progenitor's input --------------------------------------
note "building cwgen (release)"
(cd "$SRC" && CARGO_TARGET_DIR=$TARGET cargo build --release -q -p connectwise-codegen --bin cwgen)
CWGEN=$TARGET/release/cwgen
# The runtime's build.rs runs the same generator built like any build dependency: unoptimised
# (cargo's default `[profile.dev.build-override] opt-level = 0`). That is what a user's first
# `cargo check`, and every change of spec, pays for generation; the dev-profile cwgen stands in.
note "building cwgen (dev profile, as build.rs gets it)"
(cd "$SRC" && CARGO_TARGET_DIR=$TARGET-cwgen-dev cargo build -q -p connectwise-codegen --bin cwgen)
CWGEN_DEV=$TARGET-cwgen-dev/debug/cwgen

PROG=$WORK/progenitor
if [ "$SKIP_PROGENITOR" != 1 ]; then
    if [ ! -x "$PROG_ROOT/bin/cargo-progenitor" ]; then
        note "installing cargo-progenitor $PROG_VERSION into $PROG_ROOT"
        cargo install --locked --quiet cargo-progenitor --version "$PROG_VERSION" --root "$PROG_ROOT"
    fi
    export PATH=$PROG_ROOT/bin:$PATH
    mkdir -p "$PROG"
    cp "$FULL_SPEC" "$PROG/full.json"
    cp "$SAMPLE_SPEC" "$PROG/sample.json"
    # The one patch progenitor 0.15.1 needs on this spec. typify names the inline object type
    # of the property `Ticket._info` `TicketInfo`, which is also the name of the component schema
    # `TicketInfo`: two `pub struct TicketInfo` (E0428) and ~30 follow-on errors. A `title` on the
    # inline schema gives it another name. Nothing else is changed.
    jq 'if .components.schemas.TicketInfo == null or .components.schemas.Ticket.properties._info.type != "object"
        then error("spec changed: the TicketInfo collision patch no longer applies") else . end
        | .components.schemas.Ticket.properties._info.title = "TicketMetaInfo"' \
        "$PROG/full.json" >"$PROG/full-patched.json"

    note "progenitor on the unpatched full spec (shows the collision; not timed)"
    rm -rf "$PROG/unpatched"
    if cargo progenitor -i "$PROG/full.json" -o "$PROG/unpatched" -n cw-progenitor -v 0.1.0 \
        >"$WORK/logs/progenitor-unpatched.log" 2>&1; then
        dup=$(grep -c '^    pub struct TicketInfo {' "$PROG/unpatched/src/lib.rs" || true)
        echo "- progenitor $PROG_VERSION on the unpatched full spec: generation exits 0;" \
            "\`pub struct TicketInfo\` is defined $dup times in its lib.rs (more than once: does not compile)"
    else
        echo "- progenitor $PROG_VERSION on the unpatched full spec: generation FAILED (see $WORK/logs/progenitor-unpatched.log)"
    fi
fi

# --- 1. code generation, RUNS rounds, ours and progenitor's interleaved -----------------------------
for run in $(seq 1 "$RUNS"); do
    for spec in full sample; do
        [ $spec = full ] && file=$FULL_SPEC || file=$SAMPLE_SPEC
        out=$WORK/gen/ours-$spec
        rm -rf "$out"
        timed "$WORK/logs/gen-ours-$spec.$run" "$CWGEN" --spec "$file" --overrides "$OVERRIDES" --out "$out" \
            >"$WORK/logs/gen-ours-$spec.$run.log" 2>&1
        read -r w r c <"$WORK/logs/gen-ours-$spec.$run"
        note "cwgen $spec run $run: ${w}s wall ${c}s CPU ${r}kB: $(tail -n 1 "$WORK/logs/gen-ours-$spec.$run.log")"
        record gen "ours-$spec" "cwgen (release), $spec spec" "$run" "$w" "$r" "$c"
        if [ $spec = full ]; then
            rm -rf "$out-dev"
            timed "$WORK/logs/gen-ours-dev-$spec.$run" "$CWGEN_DEV" --spec "$file" --overrides "$OVERRIDES" \
                --out "$out-dev" >"$WORK/logs/gen-ours-dev-$spec.$run.log" 2>&1
            read -r w r c <"$WORK/logs/gen-ours-dev-$spec.$run"
            note "cwgen (dev) $spec run $run: ${w}s wall ${c}s CPU ${r}kB"
            record gen "ours-dev-$spec" "cwgen (dev profile, what build.rs runs), $spec spec" "$run" "$w" "$r" "$c"
        fi

        [ "$SKIP_PROGENITOR" = 1 ] && continue
        [ $spec = full ] && file=$PROG/full-patched.json || file=$PROG/sample.json
        out=$PROG/crate-$spec
        rm -rf "$out"
        if timed "$WORK/logs/gen-progenitor-$spec.$run" cargo progenitor -i "$file" -o "$out" \
            -n "cw-progenitor-$spec" -v 0.1.0 >"$WORK/logs/gen-progenitor-$spec.$run.log" 2>&1; then
            read -r w r c <"$WORK/logs/gen-progenitor-$spec.$run"
            note "progenitor $spec run $run: ${w}s wall ${c}s CPU ${r}kB"
            record gen "progenitor-$spec" "cargo progenitor $PROG_VERSION, $spec spec" "$run" "$w" "$r" "$c"
        else
            note "progenitor $spec run $run FAILED; see $WORK/logs/gen-progenitor-$spec.$run.log"
            record gen "progenitor-$spec" "cargo progenitor $PROG_VERSION, $spec spec" "$run" FAILED FAILED FAILED
        fi
    done
done
echo "- generated source, full spec: ours $(cat "$WORK"/gen/ours-full/*.rs | wc -c) bytes" \
    "in $(ls "$WORK"/gen/ours-full/*.rs | wc -l) files$([ "$SKIP_PROGENITOR" = 1 ] ||
        echo "; progenitor $(wc -c <"$PROG/crate-full/src/lib.rs") bytes in src/lib.rs")"

# --- 2. cargo check of the generated code ----------------------------------------------------------
RT=$SRC/runtime
add_check ours-full-all "connectwise, full spec, default features (all modules)" "$RT" "$RT/src/lib.rs" \
    connectwise "$TARGET" "$FULL_SPEC" "-p connectwise"
add_check ours-full-service "connectwise, full spec, --no-default-features --features service" "$RT" \
    "$RT/src/lib.rs" connectwise "$TARGET" "$FULL_SPEC" "-p connectwise --no-default-features --features service"
add_check ours-full-company "connectwise, full spec, --no-default-features --features company" "$RT" \
    "$RT/src/lib.rs" connectwise "$TARGET" "$FULL_SPEC" "-p connectwise --no-default-features --features company"
add_check ours-full-none "connectwise, full spec, --no-default-features (no module: shared models only)" "$RT" \
    "$RT/src/lib.rs" connectwise "$TARGET" "$FULL_SPEC" "-p connectwise --no-default-features"
add_check ours-sample-all "connectwise, sample spec, default features (all modules)" "$RT" "$RT/src/lib.rs" \
    connectwise "$TARGET-sample" "$SAMPLE_SPEC" "-p connectwise"
if [ "$SKIP_PROGENITOR" != 1 ]; then
    for spec in full sample; do
        [ -f "$PROG/crate-$spec/src/lib.rs" ] || continue
        # Its own workspace root (so no parent Cargo.toml is looked for).
        grep -q '^\[workspace\]' "$PROG/crate-$spec/Cargo.toml" || printf '\n[workspace]\n' >>"$PROG/crate-$spec/Cargo.toml"
        add_check "progenitor-$spec" "progenitor's crate, $spec spec" "$PROG/crate-$spec" \
            "$PROG/crate-$spec/src/lib.rs" "cw_progenitor_$spec" "$PROG_TARGET" "" ""
    done
fi
for id in "${CFG_IDS[@]}"; do warm_up "$id"; done
for run in $(seq 1 "$RUNS"); do
    for id in "${CFG_IDS[@]}"; do measure_check "$id" "$run"; done
done

echo "- load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
report
echo
echo "raw figures: $RESULTS; logs: $WORK/logs"
