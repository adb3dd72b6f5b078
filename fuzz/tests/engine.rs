//! The engine catches what it promises to: a toy target with a planted panic, a broken
//! property, a slow input and a memory hog, each behind a token the mutator must find; and,
//! in a child process (the watchdog ends the process), an endless loop and an allocation past
//! the hard limit.

use connectwise_fuzz::engine::{self, Config, FailureKind, Limits, Outcome, Target};
use connectwise_fuzz::mutate::Mutator;
use std::process::Command;
use std::time::Duration;

/// Fails in a different way behind each token.
struct Planted;

fn has(input: &[u8], token: &[u8]) -> bool {
    input.windows(token.len()).any(|w| w == token)
}

impl Target for Planted {
    fn name(&self) -> &'static str {
        "planted"
    }

    fn seeds(&self) -> Vec<(String, Vec<u8>)> {
        vec![("hello".into(), b"hello world".to_vec())]
    }

    fn mutator(&self) -> Mutator {
        Mutator::new(&["PANIC", "BAD", "SLOW", "BIG"], 256)
    }

    fn run(&mut self, input: &[u8]) -> Outcome {
        if has(input, b"PANIC") {
            let empty: &[u8] = &[];
            // An index out of bounds, as a decoder bug would.
            let _ = empty[input.len()];
        }
        if has(input, b"BAD") {
            return Err("a planted property failure".into());
        }
        if has(input, b"SLOW") {
            std::thread::sleep(Duration::from_millis(150));
        }
        if has(input, b"BIG") {
            // Reserved, not written: counted by the allocator, and quick (not slow too).
            let hog: Vec<u8> = Vec::with_capacity(40 << 20);
            std::hint::black_box(&hog);
        }
        Ok(format!("fine {}", input.len()))
    }
}

fn config(name: &str) -> Config {
    Config {
        seed: 3,
        max_inputs: Some(20_000),
        max_time: Duration::from_secs(20),
        limits: Limits {
            time_budget: Duration::from_millis(100),
            hang: Duration::from_secs(60),
            memory: 16 << 20,
            hard_memory: 1 << 30,
        },
        out_dir: std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name),
        keep_current: false,
        max_failures: 4,
    }
}

#[test]
fn panics_properties_slow_inputs_and_memory_hogs_are_found_with_their_inputs() {
    let report = engine::run(&mut Planted, &config("planted"));
    let kinds: Vec<FailureKind> = report.failures.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        vec![
            FailureKind::Panic,
            FailureKind::Property,
            FailureKind::Slow,
            FailureKind::Memory
        ],
        "{}",
        report.summary()
    );
    let token: [&[u8]; 4] = [b"PANIC", b"BAD", b"SLOW", b"BIG"];
    for (failure, token) in report.failures.iter().zip(token) {
        assert!(has(&failure.input, token), "{failure:?}");
        let file = failure.file.as_ref().expect("the input was written");
        assert_eq!(std::fs::read(file).unwrap(), failure.input);
    }
    let panic = &report.failures[0].message;
    assert!(
        panic.contains("index out of bounds") && panic.contains("tests/engine.rs"),
        "{panic}"
    );
    assert!(report.slowest.0 >= Duration::from_millis(150));
    assert!(report.peak_memory.0 >= 40 << 20, "{}", report.peak_memory.0);
}

#[test]
fn the_same_seed_tries_the_same_inputs() {
    struct Record(Vec<Vec<u8>>);
    impl Target for Record {
        fn name(&self) -> &'static str {
            "record"
        }
        fn seeds(&self) -> Vec<(String, Vec<u8>)> {
            vec![("a".into(), br#"{"results":[]}"#.to_vec())]
        }
        fn mutator(&self) -> Mutator {
            Mutator::new(&["\"entities\""], 1024).json()
        }
        fn run(&mut self, input: &[u8]) -> Outcome {
            self.0.push(input.to_vec());
            Ok(format!("{}", self.0.len() % 7))
        }
    }
    let run = |seed| {
        let mut r = Record(Vec::new());
        let config = Config {
            seed,
            max_inputs: Some(500),
            max_time: Duration::from_secs(60),
            ..config("record")
        };
        engine::run(&mut r, &config);
        r.0
    };
    let a = run(1);
    assert_eq!(a.len(), 500);
    assert_eq!(a, run(1));
    assert_ne!(a, run(2));
}

/// What a child process runs, when the parent asks for it.
#[test]
fn watchdog_child() {
    let Ok(what) = std::env::var("CONNECTWISE_FUZZ_WATCHDOG_CHILD") else {
        // Run as a child only.
        return;
    };
    struct Runaway(String);
    impl Target for Runaway {
        fn name(&self) -> &'static str {
            "runaway"
        }
        fn seeds(&self) -> Vec<(String, Vec<u8>)> {
            vec![("start".into(), b"start".to_vec())]
        }
        fn mutator(&self) -> Mutator {
            Mutator::new(&[], 16)
        }
        fn run(&mut self, _: &[u8]) -> Outcome {
            if self.0 == "hang" {
                loop {
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
            // A vector of 4 GiB, past the hard limit of 256 MiB.
            let hog = vec![1u8; 4 << 30];
            std::hint::black_box(&hog);
            Ok(String::new())
        }
    }
    let mut config = config(&format!("watchdog-{what}"));
    config.limits.hang = Duration::from_secs(1);
    config.limits.hard_memory = 256 << 20;
    engine::run(&mut Runaway(what), &config);
    unreachable!("the watchdog ends the process");
}

fn child(what: &str) -> (Option<i32>, String) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "watchdog_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("CONNECTWISE_FUZZ_WATCHDOG_CHILD", what)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn an_endless_loop_is_stopped_and_reported() {
    let (code, stderr) = child("hang");
    assert_eq!(code, Some(70), "{stderr}");
    assert!(
        stderr.contains("runaway: hang: one input ran past 1s"),
        "{stderr}"
    );
    let file = stderr
        .lines()
        .last()
        .unwrap()
        .trim()
        .trim_start_matches("input: ");
    assert_eq!(std::fs::read(file).unwrap(), b"start", "{stderr}");
}

#[test]
fn an_allocation_past_the_hard_limit_is_stopped_and_reported() {
    let (code, stderr) = child("oom");
    assert_eq!(code, Some(70), "{stderr}");
    assert!(
        stderr.contains("runaway: memory: one input tried to allocate past 256 MiB"),
        "{stderr}"
    );
}
