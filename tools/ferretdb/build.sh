#!/usr/bin/env bash
# Builds the embedded FerretDB binary (see tools/ferretdb/main.go) into .cache/ferretdb/.
# Built once and cached; rebuilt only when the binary is missing or this module's sources change.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out_dir="$root/.cache/ferretdb"
bin="$out_dir/ferretdb"
stamp_file="$out_dir/source.sha256"
stamp="$(cat "$here/go.mod" "$here/go.sum" "$here/main.go" | sha256sum | cut -d' ' -f1)"

if [[ -x "$bin" && -f "$stamp_file" && "$(cat "$stamp_file")" == "$stamp" ]]; then
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "ferretdb build: the embedded database (FerretDB) is built from source and needs the Go toolchain." >&2
  echo "  Install Go 1.24 or newer (https://go.dev/doc/install, or your package manager's golang package)," >&2
  echo "  or skip the embedded database: set MONGODB_URI to a MongoDB 6+ server and run node dist/main.js." >&2
  exit 1
fi

mkdir -p "$out_dir"
echo "ferretdb build: compiling FerretDB v1.24 (first run only, takes a few minutes)..." >&2
start=$(date +%s)
cd "$here"
if ! go build -trimpath -o "$bin.tmp" . ; then
  # Newer Go toolchains reject modernc.org/libc's go:linkname use; these are the known ways round it.
  echo "ferretdb build: retrying with -checklinkname=0" >&2
  if ! go build -trimpath -ldflags=-checklinkname=0 -o "$bin.tmp" . ; then
    echo "ferretdb build: retrying with GOTOOLCHAIN=go1.24.3" >&2
    GOTOOLCHAIN=go1.24.3 go build -trimpath -o "$bin.tmp" .
  fi
fi
mv "$bin.tmp" "$bin"
echo "$stamp" >"$stamp_file"
echo "ferretdb build: done in $(( $(date +%s) - start ))s -> $bin" >&2
