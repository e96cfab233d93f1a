#!/usr/bin/env bash
# Compiles and lints infra/main.bicep with the real Bicep compiler, restored from NuGet
# (Azure.Bicep.CommandLine.linux-x64) through a throwaway project under .bicep/ (git-ignored).
# Needs only the dotnet SDK; the package is cached in the NuGet cache (~/.nuget/packages), so later runs
# are offline. Any diagnostic (error or warning; bicepconfig.json raises the analyzer rules to error) fails.
# Usage: .ci/bicep.sh            BICEP_VERSIONS="0.48.1" .ci/bicep.sh  (override the versions tried)
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

versions=${BICEP_VERSIONS:-"0.49.2 0.48.1 0.47.16"}
package=azure.bicep.commandline.linux-x64 # NuGet cache folders are lower-case
cache=${NUGET_PACKAGES:-$HOME/.nuget/packages}
work=.bicep/restore
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

find_bicep() { # $1 = version; prints the executable's path if that version is in the cache
  local dir="$cache/$package/$1"
  [ -d "$dir" ] || return 1
  find "$dir" -type f -name bicep -print -quit
}

bicep=""
for v in $versions; do
  if exe=$(find_bicep "$v") && [ -n "$exe" ]; then
    echo "bicep.sh: using cached Azure.Bicep.CommandLine.linux-x64 $v"
    bicep=$exe
    break
  fi
done

if [ -z "$bicep" ]; then
  command -v dotnet >/dev/null || { echo "bicep.sh: dotnet SDK not found on PATH" >&2; exit 2; }
  mkdir -p "$work"
  for v in $versions; do
    echo "bicep.sh: restoring Azure.Bicep.CommandLine.linux-x64 $v from NuGet into $cache"
    # PackageDownload fetches the package into the cache without referencing it; the project builds nothing.
    cat >"$work/restore.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net$(dotnet --version | cut -d. -f1-2)</TargetFramework>
    <NoWarn>\$(NoWarn);NU1603;NU1701</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Azure.Bicep.CommandLine.linux-x64" Version="[$v]" />
  </ItemGroup>
</Project>
EOF
    if dotnet restore "$work/restore.csproj" --packages "$cache" --verbosity quiet >"$work/restore-$v.log" 2>&1 \
      && exe=$(find_bicep "$v") && [ -n "$exe" ]; then
      bicep=$exe
      break
    fi
    echo "bicep.sh: restore of $v failed (log: $work/restore-$v.log)"
    sed -n '1,5p' "$work/restore-$v.log" | sed 's/^/  /'
  done
fi
[ -n "$bicep" ] || { echo "bicep.sh: could not obtain the Bicep CLI (tried: $versions)" >&2; exit 2; }
chmod +x "$bicep" 2>/dev/null || true
echo "bicep.sh: $("$bicep" --version) at $bicep"

status=0
run() { # runs the compiler, echoes its output, fails on a non-zero exit or on any diagnostic line
  local out rc=0
  echo "bicep.sh: $*"
  out=$("$bicep" "$@" 2>&1 >/dev/null) || rc=$?
  if [ -n "$out" ]; then echo "$out"; fi
  if [ $rc -ne 0 ] || grep -qE ': (Error|Warning|Info) ' <<<"$out"; then
    status=1
    echo "bicep.sh: FAILED ($*)"
  fi
}
run build infra/main.bicep --stdout
run lint infra/main.bicep --diagnostics-format default

echo "bicep.sh: $([ $status -eq 0 ] && echo ok || echo FAILED) in $(( $(date +%s) - started ))s"
exit $status
