//! The fuzzing loop: runs a target's seeds, then mutants of its corpus, one input at a time,
//! each inside `catch_unwind`, timed and with its peak heap counted.
//!
//! What counts as a failure, with the input that caused it:
//!
//! - **panic**: the target panicked (the message and place come from a panic hook, which keeps
//!   the fuzzed code's panics off the terminal while a run is on);
//! - **property**: the target ran to the end but found something wrong (a printed condition
//!   that does not parse back, a spec error without a JSON pointer, two decoders disagreeing);
//! - **slow**: one input took longer than the per-input time budget;
//! - **memory**: one input's peak heap, above what was live before it, passed the soft limit.
//!
//! Two things cannot be caught after the fact, and a watchdog thread watches for them: an
//! input that runs past the hang limit (an endless loop), and an allocation that would take
//! one input past the hard memory limit (see [`alloc`](mod@crate::alloc)). The watchdog writes the
//! input to the findings folder, says so on stderr, and ends the process with exit code 70.
//!
//! Corpus growth without coverage instrumentation (which needs nightly or libFuzzer): each
//! target sums up what an input did as a signature (how far it got, which error, without the
//! numbers in the message), and a mutant with a signature not seen before joins the corpus, so
//! that later mutants start from inputs that reach new places.

use crate::alloc;
use crate::mutate::Mutator;
use crate::rng::Rng;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// What a target did with one input: a signature of the outcome (`Ok`), or a property it
/// found broken (`Err`, a failure).
pub type Outcome = Result<String, String>;

/// One thing to fuzz.
pub trait Target {
    /// `bundle`, `conditions`, `spec`.
    fn name(&self) -> &'static str;
    /// The starting inputs, with where they came from.
    fn seeds(&self) -> Vec<(String, Vec<u8>)>;
    /// The target's mutator (its dictionary and maximum input length).
    fn mutator(&self) -> Mutator;
    /// Runs one input through the code under fuzz.
    fn run(&mut self, input: &[u8]) -> Outcome;
    /// Whether an outcome whose signature starts with `stage` got past the input's syntax
    /// (mutants of such inputs are picked more often).
    fn deep(&self, stage: &str) -> bool {
        let _ = stage;
        false
    }
}

/// The limits one input must stay within.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// An input that takes longer is a `slow` failure.
    pub time_budget: Duration,
    /// An input still running after this is a hang: the watchdog ends the process.
    pub hang: Duration,
    /// An input whose peak heap passes this is a `memory` failure.
    pub memory: usize,
    /// No input may allocate past this: the watchdog ends the process.
    pub hard_memory: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            time_budget: Duration::from_secs(2),
            hang: Duration::from_secs(60),
            memory: 256 << 20,
            hard_memory: 2 << 30,
        }
    }
}

/// How long and how to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Fixes every mutation of the run.
    pub seed: u64,
    /// Stop after this many inputs (seeds included).
    pub max_inputs: Option<u64>,
    /// Stop after this long.
    pub max_time: Duration,
    /// What one input may take.
    pub limits: Limits,
    /// Where failing inputs are written (created when needed).
    pub out_dir: PathBuf,
    /// Write each input to `out_dir/current-input` before running it, so that an input that
    /// aborts the process (a stack overflow) is on disk. Slow.
    pub keep_current: bool,
    /// Stop after this many distinct failures.
    pub max_failures: usize,
}

impl Config {
    /// A run of `max_time` with seed 1, the default limits and findings under the system's
    /// temporary folder.
    pub fn new(max_time: Duration) -> Config {
        Config {
            seed: 1,
            max_inputs: None,
            max_time,
            limits: Limits::default(),
            out_dir: std::env::temp_dir().join("connectwise-fuzz"),
            keep_current: false,
            max_failures: 20,
        }
    }
}

/// The kind of a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FailureKind {
    /// The target panicked.
    Panic,
    /// The target found one of its properties broken.
    Property,
    /// The input took longer than the time budget.
    Slow,
    /// The input's peak heap passed the soft limit.
    Memory,
}

impl std::fmt::Display for FailureKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FailureKind::Panic => "panic",
            FailureKind::Property => "property",
            FailureKind::Slow => "slow",
            FailureKind::Memory => "memory",
        })
    }
}

/// One distinct failure (kind and message) and the first input that showed it.
#[derive(Debug, Clone)]
pub struct Failure {
    /// What went wrong.
    pub kind: FailureKind,
    /// The panic's message and place, or the broken property, or the time or memory.
    pub message: String,
    /// The first input that showed it.
    pub input: Vec<u8>,
    /// Where the input was written.
    pub file: Option<PathBuf>,
    /// How many inputs showed it.
    pub hits: u64,
}

/// What a run did.
#[derive(Debug, Clone)]
pub struct Report {
    /// The target's name.
    pub target: &'static str,
    /// The seed of the run.
    pub seed: u64,
    /// Inputs run, seeds included.
    pub inputs: u64,
    /// Seeds the run started from.
    pub seeds: usize,
    /// How long the run took.
    pub elapsed: Duration,
    /// Inputs in the corpus at the end (seeds and mutants with new outcomes).
    pub corpus: usize,
    /// Distinct outcome signatures seen.
    pub outcomes: usize,
    /// How many inputs ended at each stage (the first part of their signature: `parse
    /// error`, `parsed`, `envelope error`, `ok`, `load`, `ir`, `built`).
    pub stages: Vec<(String, u64)>,
    /// The most frequent outcome signatures, with their counts.
    pub common_outcomes: Vec<(u64, String)>,
    /// The slowest input: its time and the input.
    pub slowest: (Duration, Vec<u8>),
    /// The largest peak heap of one input, above what was live before it, and the input.
    pub peak_memory: (usize, Vec<u8>),
    /// The largest input run, in bytes.
    pub largest_input: usize,
    /// Every distinct failure found.
    pub failures: Vec<Failure>,
}

impl Report {
    /// Inputs per second.
    pub fn rate(&self) -> f64 {
        self.inputs as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The most frequent outcomes, one a line.
    pub fn outcomes_table(&self) -> String {
        self.common_outcomes
            .iter()
            .map(|(n, s)| format!("  {n:>9}  {}\n", preview(s.as_bytes())))
            .collect()
    }

    /// One paragraph for a person.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{}: {} inputs in {:.1} s ({:.0}/s), seed {}, {} seeds, corpus {}, {} distinct outcomes, \
             largest input {} B, slowest input {:.1} ms ({} B), largest peak heap {:.1} MiB ({} B input), \
             {} failures",
            self.target,
            self.inputs,
            self.elapsed.as_secs_f64(),
            self.rate(),
            self.seed,
            self.seeds,
            self.corpus,
            self.outcomes,
            self.largest_input,
            self.slowest.0.as_secs_f64() * 1e3,
            self.slowest.1.len(),
            self.peak_memory.0 as f64 / (1 << 20) as f64,
            self.peak_memory.1.len(),
            self.failures.len(),
        );
        let stages: Vec<String> = self
            .stages
            .iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect();
        s.push_str(&format!("\n  stages: {}", stages.join(", ")));
        for f in &self.failures {
            s.push_str(&format!(
                "\n  {} ({} inputs): {}\n    input: {}",
                f.kind,
                f.hits,
                f.message,
                match &f.file {
                    Some(path) => path.display().to_string(),
                    None => preview(&f.input),
                }
            ));
        }
        s
    }
}

/// The first bytes of an input, printable.
pub fn preview(input: &[u8]) -> String {
    let text = String::from_utf8_lossy(&input[..input.len().min(200)]);
    format!("{text:?}{}", if input.len() > 200 { "..." } else { "" })
}

/// Between the parts of a signature.
const SEPARATOR: &str = " | ";

/// An outcome signature: the parts joined, with digits and quoted text left out, so that
/// error messages with byte offsets or the input's strings in them sum up alike.
pub fn signature(parts: &[&str]) -> String {
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(SEPARATOR);
        }
        // Digits out, and what is between double quotes (serde quotes the input's strings
        // in its messages); at most 160 characters a part.
        let mut quoted = false;
        let mut kept = 0;
        for c in part.chars() {
            if c == '"' {
                quoted = !quoted;
                out.push(c);
            } else if !quoted && !c.is_ascii_digit() && kept < 160 {
                out.push(c);
                kept += 1;
            }
        }
    }
    out
}

/// No more inputs join the corpus past this many.
const CORPUS_CAP: usize = 4096;

/// Distinct outcomes (and features) past this many are not counted.
const OUTCOMES_CAP: usize = 1 << 22;
/// The text of this many outcomes is kept, for the report.
const NAMES_CAP: usize = 1 << 14;

fn hash<T: std::hash::Hash + ?Sized>(value: &T) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// One fuzz run at a time in a process: the allocator's counts are global.
static RUN: Mutex<()> = Mutex::new(());

/// True while an input runs: the panic hook records instead of printing.
static ACTIVE: AtomicBool = AtomicBool::new(false);
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

fn install_panic_hook() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if ACTIVE.load(Relaxed) {
                let payload = info.payload();
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "(no message)".into());
                let place = info
                    .location()
                    .map(|l| format!(" at {}:{}:{}", l.file(), l.line(), l.column()))
                    .unwrap_or_default();
                if let Ok(mut last) = LAST_PANIC.lock() {
                    // The first panic of an input is the one that matters (a panic on the
                    // parse thread is resumed on the fuzz thread).
                    last.get_or_insert(format!("{message}{place}"));
                }
            } else {
                previous(info);
            }
        }));
    });
}

/// What the watchdog sees.
struct Watch {
    epoch: Instant,
    /// Nanoseconds since `epoch` + 1 when the current input started; 0 between inputs.
    started: AtomicU64,
    input: Mutex<Vec<u8>>,
    stop: AtomicBool,
}

fn watchdog(watch: Arc<Watch>, target: &'static str, limits: Limits, out_dir: PathBuf) {
    while !watch.stop.load(Relaxed) {
        std::thread::sleep(Duration::from_millis(50));
        let started = watch.started.load(Relaxed);
        let hung = started != 0
            && watch.epoch.elapsed().as_nanos() as u64
                > started - 1 + limits.hang.as_nanos() as u64;
        let blown = alloc::blown();
        if hung || blown {
            alloc::disarm();
            let what = if hung {
                format!("hang: one input ran past {:?}", limits.hang)
            } else {
                format!(
                    "memory: one input tried to allocate past {} MiB",
                    limits.hard_memory >> 20
                )
            };
            let input = watch.input.lock().map(|i| i.clone()).unwrap_or_default();
            let file = save(&out_dir, target, if hung { "hang" } else { "oom" }, &input);
            eprintln!(
                "connectwise-fuzz {target}: {what}\n  input: {}",
                file.map(|p| p.display().to_string())
                    .unwrap_or_else(|| preview(&input))
            );
            std::process::exit(70);
        }
    }
}

/// Writes a failing input to `out_dir/target/kind-HASH`; the path, if it could.
fn save(out_dir: &std::path::Path, target: &str, kind: &str, input: &[u8]) -> Option<PathBuf> {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    input.hash(&mut h);
    let dir = out_dir.join(target);
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join(format!("{kind}-{:016x}", h.finish()));
    std::fs::write(&path, input).ok()?;
    Some(path)
}

/// Runs `target` as `config` says: every seed, then mutants until the time or input budget is
/// spent (or `max_failures` distinct failures were found). The inputs run on a thread with an
/// 8 MiB stack, as a program's main thread has.
pub fn run<T: Target + Send>(target: &mut T, config: &Config) -> Report {
    let _one_at_a_time = RUN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    install_panic_hook();
    let name = format!("fuzz-{}", target.name());
    // The target goes to the worker, or stays here if no thread can be had.
    let slot = Mutex::new(Some(target));
    let take = || slot.lock().ok().and_then(|mut t| t.take());
    std::thread::scope(|s| {
        let worker = std::thread::Builder::new()
            .name(name)
            .stack_size(8 << 20)
            .spawn_scoped(s, || take().map(|t| run_here(t, config)));
        let report = match worker {
            Ok(worker) => worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => None,
        };
        match report {
            Some(report) => report,
            None => match take() {
                Some(t) => run_here(t, config),
                None => unreachable!("the worker ran the target or left it here"),
            },
        }
    })
}

fn run_here<T: Target>(target: &mut T, config: &Config) -> Report {
    let name = target.name();
    let limits = config.limits;
    let watch = Arc::new(Watch {
        epoch: Instant::now(),
        started: AtomicU64::new(0),
        input: Mutex::new(Vec::new()),
        stop: AtomicBool::new(false),
    });
    let dog = {
        let watch = watch.clone();
        let out_dir = config.out_dir.clone();
        std::thread::Builder::new()
            .name("fuzz-watchdog".into())
            .spawn(move || watchdog(watch, name, limits, out_dir))
            .ok()
    };

    let seeds = target.seeds();
    let mutator = target.mutator();
    let mut rng = Rng::new(config.seed);
    // The corpus, in three pools: the seeds, the mutants that got past the syntax (the
    // target's `deep` stages) and the others.
    let mut seed_pool: Vec<Vec<u8>> = Vec::new();
    let mut deep: Vec<Vec<u8>> = Vec::new();
    let mut shallow: Vec<Vec<u8>> = Vec::new();
    // Outcomes and features by their hashes (kept small: a long run sees millions), and the
    // text of the first outcomes.
    let mut seen: HashMap<u64, u64> = HashMap::new();
    let mut names: HashMap<u64, String> = HashMap::new();
    let mut features: HashSet<u64> = HashSet::new();
    let mut failures: BTreeMap<(FailureKind, String), Failure> = BTreeMap::new();
    let mut report = Report {
        target: name,
        seed: config.seed,
        inputs: 0,
        seeds: seeds.len(),
        elapsed: Duration::ZERO,
        corpus: 0,
        outcomes: 0,
        common_outcomes: Vec::new(),
        stages: Vec::new(),
        slowest: (Duration::ZERO, Vec::new()),
        peak_memory: (0, Vec::new()),
        largest_input: 0,
        failures: Vec::new(),
    };
    let start = Instant::now();
    let mut stages: BTreeMap<String, u64> = BTreeMap::new();
    let mut pending = seeds.into_iter().map(|(_, bytes)| bytes);
    loop {
        if report.inputs >= config.max_inputs.unwrap_or(u64::MAX)
            || start.elapsed() >= config.max_time
            || failures.len() >= config.max_failures
        {
            break;
        }
        let (input, is_seed) = match pending.next() {
            Some(seed) => (seed, true),
            None => {
                // An eighth of the mutants start from a seed, five eighths from inputs that
                // got past the syntax, the rest from the others; the second input (for
                // splicing) from anywhere.
                let pool = match rng.below(8) {
                    0 => &seed_pool,
                    1..=5 if !deep.is_empty() => &deep,
                    _ if !shallow.is_empty() => &shallow,
                    _ => &seed_pool,
                };
                let any = [&seed_pool, &deep, &shallow][rng.below(3)];
                let empty = Vec::new();
                let a = rng.pick(pool).unwrap_or(&empty);
                let b = rng
                    .pick(any)
                    .or_else(|| rng.pick(&seed_pool))
                    .unwrap_or(&empty);
                (mutator.mutate(&mut rng, a, b), false)
            }
        };
        if config.keep_current {
            let _ = std::fs::create_dir_all(&config.out_dir);
            let _ = std::fs::write(config.out_dir.join("current-input"), &input);
        }
        if let Ok(mut current) = watch.input.lock() {
            current.clear();
            current.extend_from_slice(&input);
        }
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = None;
        }

        ACTIVE.store(true, Relaxed);
        watch
            .started
            .store(watch.epoch.elapsed().as_nanos() as u64 + 1, Relaxed);
        alloc::arm(limits.hard_memory);
        let t = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| target.run(&input)));
        let took = t.elapsed();
        let peak = alloc::disarm();
        watch.started.store(0, Relaxed);
        ACTIVE.store(false, Relaxed);

        report.inputs += 1;
        report.largest_input = report.largest_input.max(input.len());
        let mut found = Vec::new();
        let signature = match outcome {
            Ok(Ok(signature)) => Some(signature),
            Ok(Err(property)) => {
                found.push((FailureKind::Property, property));
                None
            }
            Err(_) => {
                let message = LAST_PANIC
                    .lock()
                    .ok()
                    .and_then(|mut last| last.take())
                    .unwrap_or_else(|| "(a panic without a message)".into());
                found.push((FailureKind::Panic, message));
                None
            }
        };
        if took > limits.time_budget {
            found.push((
                FailureKind::Slow,
                format!(
                    "one input took {took:.2?}, over the budget of {:?}",
                    limits.time_budget
                ),
            ));
        }
        if peak > limits.memory {
            found.push((
                FailureKind::Memory,
                format!(
                    "one input's peak heap was {} MiB, over the limit of {} MiB",
                    peak >> 20,
                    limits.memory >> 20
                ),
            ));
        }
        if took > report.slowest.0 {
            report.slowest = (took, input.clone());
        }
        if peak > report.peak_memory.0 {
            report.peak_memory = (peak, input.clone());
        }
        // Failing inputs join the corpus too: their neighbours are worth a look.
        let found_any = !found.is_empty();
        for (kind, message) in found {
            // One entry per kind and message without its numbers (a length or an offset in
            // a panic message is the same bug); one each for slow and memory.
            let key_message = match kind {
                FailureKind::Slow | FailureKind::Memory => String::new(),
                _ => message.chars().filter(|c| !c.is_ascii_digit()).collect(),
            };
            failures
                .entry((kind, key_message))
                .and_modify(|f| f.hits += 1)
                .or_insert_with(|| Failure {
                    kind,
                    file: save(&config.out_dir, name, &kind.to_string(), &input),
                    message,
                    input: input.clone(),
                    hits: 1,
                });
        }
        // New when one of its parts (with its place) was never seen: parts are the
        // closest thing to coverage features, and their combinations would be too many.
        let mut new = false;
        let stage = signature
            .as_deref()
            .map(|sig| sig.split(SEPARATOR).next().unwrap_or_default().to_owned());
        if let Some(sig) = &signature {
            for (i, part) in sig.split(SEPARATOR).enumerate() {
                if features.len() < OUTCOMES_CAP {
                    new |= features.insert(hash(&(i, part)));
                }
            }
        }
        if let Some(sig) = signature {
            let room = seen.len() < OUTCOMES_CAP;
            match seen.entry(hash(&sig)) {
                Entry::Occupied(mut n) => *n.get_mut() += 1,
                Entry::Vacant(slot) if room => {
                    slot.insert(1);
                    // The text of the first ones, for the report (the frequent outcomes are
                    // found early).
                    if names.len() < NAMES_CAP {
                        names.insert(hash(&sig), sig);
                    }
                }
                Entry::Vacant(_) => {}
            }
        }
        if let Some(stage) = &stage {
            *stages.entry(stage.clone()).or_insert(0) += 1;
        }
        let is_deep = stage.as_deref().is_some_and(|s| target.deep(s));
        if is_seed {
            seed_pool.push(input);
        } else if new || found_any {
            // Each pool holds up to half the corpus; when full, the newcomer takes the place
            // of a random input of its pool.
            let pool = if is_deep { &mut deep } else { &mut shallow };
            if pool.len() < CORPUS_CAP / 2 {
                pool.push(input);
            } else {
                let i = rng.below(pool.len());
                pool[i] = input;
            }
        }
    }
    report.elapsed = start.elapsed();
    report.corpus = seed_pool.len() + deep.len() + shallow.len();
    report.outcomes = seen.len();
    report.stages = stages.into_iter().collect();
    let mut common: Vec<(u64, String)> = seen
        .into_iter()
        .filter_map(|(h, n)| Some((n, names.remove(&h)?)))
        .collect();
    common.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    common.truncate(10);
    report.common_outcomes = common;
    report.failures = failures.into_values().collect();
    watch.stop.store(true, Relaxed);
    if let Some(dog) = dog {
        let _ = dog.join();
    }
    report
}

/// Runs each input once through `target`, as the loop does (for replaying findings).
pub fn replay<T: Target + Send>(target: &mut T, inputs: Vec<Vec<u8>>, config: &Config) -> Report {
    struct Fixed<'a, T> {
        inner: &'a mut T,
        inputs: Vec<Vec<u8>>,
    }
    impl<T: Target> Target for Fixed<'_, T> {
        fn name(&self) -> &'static str {
            self.inner.name()
        }
        fn seeds(&self) -> Vec<(String, Vec<u8>)> {
            self.inputs
                .iter()
                .enumerate()
                .map(|(i, b)| (format!("input {i}"), b.clone()))
                .collect()
        }
        fn mutator(&self) -> Mutator {
            self.inner.mutator()
        }
        fn run(&mut self, input: &[u8]) -> Outcome {
            self.inner.run(input)
        }
    }
    let n = inputs.len() as u64;
    let mut fixed = Fixed {
        inner: target,
        inputs,
    };
    let config = Config {
        max_inputs: Some(n),
        max_time: Duration::MAX,
        max_failures: usize::MAX,
        ..config.clone()
    };
    run(&mut fixed, &config)
}
