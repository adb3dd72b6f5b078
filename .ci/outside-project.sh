#!/usr/bin/env bash
# The "Use it in your project" check (issue 14): a new project outside the repository depends
# on the packaged crates (unpacked `.crate` files, by path through `[patch.crates-io]`: nothing
# from the workspace), runs a bundle against the fake server, then switches to another spec
# with `CONNECTWISE_SPEC` set relative to the project in its `.cargo/config.toml`.
# Usage: .ci/outside-project.sh [other-spec.json]  (default: the real 2025.8 subset in ../shared)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
other=${1:-$root/../shared/specs/connectwise-manage-2025.8-pruned-subset.json}
[ -f "$other" ] || { echo "outside-project: $other is missing" >&2; exit 1; }
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)
published="connectwise connectwise-codegen connectwise-conditions connectwise-macros connectwise-mock"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$root"
cargo package --workspace --no-verify --allow-dirty --quiet \
  --exclude connectwise-codegen-snapshot --exclude connectwise-fuzz --exclude connectwise-tests
mkdir -p "$work/vendor" "$work/app/src" "$work/app/specs"
for c in $published; do
  tar xzf "target/package/$c-$version.crate" -C "$work/vendor"
done

cd "$work/app"
cp "$root/Cargo.lock" .   # the versions CI already built: reuses the workspace's compiled dependencies
{
  echo '[package]'
  echo 'name = "outside"'
  echo 'version = "0.1.0"'
  echo 'edition = "2021"'
  echo 'publish = false'
  echo '[dependencies]'
  echo "connectwise = \"$version\""
  echo "connectwise-mock = \"$version\""
  echo 'tokio = { version = "1", features = ["macros", "rt-multi-thread"] }'
  echo '[patch.crates-io]'
  for c in $published; do echo "$c = { path = \"../vendor/$c-$version\" }"; done
} > Cargo.toml
cat > src/main.rs <<'RS'
use connectwise::bundle;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = connectwise_mock::MockServer::builder().seed(3).rows(12).start().await?;
    let client = server.client().build()?;
    let (page, one) = bundle!(ticket(page_size = 5), ticket(id = 2)).send(&client).await?;
    let (page, one) = (page?, one?);
    assert_eq!(page.len(), 5, "a page of five tickets");
    assert_eq!(one.id, Some(2));
    println!("operations={} tickets={} ticket2={:?}", connectwise::registry::OPERATIONS.len(), page.len(), one.summary);
    Ok(())
}
RS
export CARGO_TARGET_DIR="$root/target"   # shared with the workspace: dependencies are built once
cargo run --quiet > default.out
cp "$other" specs/cw-api.json
mkdir -p .cargo
printf '[env]\nCONNECTWISE_SPEC = { value = "specs/cw-api.json", relative = true }\n' > .cargo/config.toml
cargo run --quiet > other.out
echo "outside-project: sample spec:  $(cat default.out)"
echo "outside-project: other spec:   $(cat other.out)"
ops() { sed -n 's/^operations=\([0-9]*\).*/\1/p' "$1"; }
[ "$(ops default.out)" != "$(ops other.out)" ] || { echo "outside-project: CONNECTWISE_SPEC did not switch the spec" >&2; exit 1; }
echo "outside-project: ok"
