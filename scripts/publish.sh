#!/usr/bin/env bash
# Self-contained single-file release binaries: coffer-server and coffer, each one file with the .NET runtime and its
# native libraries (SQLite, libsodium) inside, nothing beside it.
#   scripts/publish.sh [RID ...]        -> artifacts/publish/<rid>/coffer-server and coffer (default RID: linux-x64)
#   scripts/publish.sh --check [RID]    -> publishes, then runs each binary once: --version, and the server serving
#                                          /api/status on a throw-away data folder; prints "release artefacts: N passed, N failed"
# A RID of another architecture is run under QEMU user-mode emulation when it is installed (linux-arm64 on an x64 host:
# qemu-user-static and the arm64 C library, libstdc++ and OpenSSL; scripts/test.sh installs them), with .NET's W^X
# double mapping off, which QEMU cannot follow; it starts slowly there, so its start-up time says nothing.
# The host needs libldap only for LDAP auth (loaded when first used), as any Linux install of Coffer does.
set -uo pipefail
cd "$(dirname "$0")/.."

check=false
if [ "${1:-}" = "--check" ]; then check=true; shift; fi
rids=("$@")
[ "${#rids[@]}" -eq 0 ] && rids=(linux-x64)

props=(-c Release --self-contained -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true
  -p:EnableCompressionInSingleFile=true -p:DebugType=none -p:GenerateDocumentationFile=false -v quiet -nologo)

case "$(uname -m)" in x86_64) host_arch=x64 ;; aarch64) host_arch=arm64 ;; *) host_arch="$(uname -m)" ;; esac

passed=0; failed=0
for rid in "${rids[@]}"; do
  out="artifacts/publish/$rid"
  rm -rf "$out"
  if dotnet publish src/Coffer.Server -r "$rid" "${props[@]}" -o "$out" && dotnet publish src/Coffer.Cli -r "$rid" "${props[@]}" -o "$out"; then
    # What publish leaves beside the binaries that they do not read at run time.
    rm -f "$out"/*.pdb
    ls -l "$out"
  else
    echo "publish for $rid failed"; failed=$((failed + 1)); continue
  fi
  [ "$check" = true ] || continue
  run=(); waits=150
  case "$rid" in
    "linux-$host_arch") ;;
    linux-arm64)
      if command -v qemu-aarch64-static >/dev/null && [ -e /lib/ld-linux-aarch64.so.1 ]; then
        run=(env DOTNET_EnableWriteXorExecute=0 qemu-aarch64-static -L /); waits=900
      else
        echo "$rid: built, not run (no qemu-aarch64-static and arm64 libraries here)"; continue
      fi ;;
    *) echo "$rid: built, not run (no way to run it on this $host_arch host)"; continue ;;
  esac
  for bin in coffer-server coffer; do
    if "${run[@]}" "$out/$bin" --version; then passed=$((passed + 1)); else echo "$bin --version failed"; failed=$((failed + 1)); fi
  done
  data="$(mktemp -d /tmp/coffer-release.XXXXXX)"
  port="$(scripts/free-port.sh)"
  COFFER_DATA_DIR="$data" PORT="$port" "${run[@]}" "$out/coffer-server" >"$data/log" 2>&1 &
  pid=$!
  ok=false
  for _ in $(seq 1 "$waits"); do
    if curl -sf "http://127.0.0.1:$port/api/status" | grep -q '"message":"Ok"'; then ok=true; break; fi
    sleep 0.2
  done
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  if [ "$ok" = true ]; then passed=$((passed + 1)); echo "coffer-server ($rid) served /api/status"
  else failed=$((failed + 1)); echo "coffer-server ($rid) did not serve /api/status; its log:"; tail -20 "$data/log"; fi
  rm -rf "$data"
done
if [ "$check" = true ]; then echo "release artefacts: $passed passed, $failed failed"; fi
[ "$failed" -eq 0 ]
