//! `cw-mock`: runs the fake ConnectWise server until interrupted, printing its base URL and
//! the credentials to use. It serves the spec it was built with (the `connectwise` crate's);
//! to serve another, build it with `CONNECTWISE_SPEC` set to that spec.

use clap::Parser;
use connectwise_mock::MockServer;
use std::path::PathBuf;

/// A fake ConnectWise Manage server on 127.0.0.1, serving the API of the spec this binary was
/// built with (`CONNECTWISE_SPEC` at build time).
#[derive(Parser, Debug)]
#[command(name = "cw-mock", version)]
struct Args {
    /// A folder of JSON files, one per resource (`ticket.json`, ...).
    #[arg(long)]
    data: Option<PathBuf>,
    /// TCP port (0: any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Seed of the generated data.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Rows of each generated top-level resource.
    #[arg(long, default_value_t = 2000)]
    rows: u32,
    /// Throttle mode: at most this many requests a second on average, else 429 with
    /// `Retry-After` (off by default).
    #[arg(long, value_name = "PER_SECOND")]
    throttle: Option<f64>,
    /// The throttle's burst: requests it takes at once (with `--throttle`).
    #[arg(long, default_value_t = 10, requires = "throttle")]
    throttle_burst: u32,
}

fn main() {
    let args = Args::parse();
    let mut builder = MockServer::builder()
        .seed(args.seed)
        .rows(args.rows)
        .port(args.port);
    if let Some(per_second) = args.throttle {
        builder = builder.throttle(per_second, args.throttle_burst);
    }
    if let Some(data) = args.data {
        builder = builder.data_dir(data);
    }
    let server = match builder.start_blocking() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cw-mock: {e}");
            std::process::exit(1);
        }
    };
    let c = server.credentials();
    println!("cw-mock: serving API {} at", server.api_version());
    println!("  base URL:    {}", server.url());
    println!("  company:     {}", c.company);
    println!("  public key:  {}", c.public_key);
    println!("  private key: {}", c.private_key);
    println!("  clientId:    {}", c.client_id);
    println!(
        "  try: curl -u '{}+{}:{}' -H 'clientId: {}' '{}/service/tickets?pageSize=2'",
        c.company,
        c.public_key,
        c.private_key,
        c.client_id,
        server.url()
    );
    println!("Ctrl-C to stop.");
    loop {
        std::thread::park();
    }
}
