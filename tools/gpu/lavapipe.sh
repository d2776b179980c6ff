#!/usr/bin/env bash
# WebGPU without a GPU: Mesa 25's lavapipe (Vulkan on the CPU) for Dawn, unpacked into a folder — no system
# install of Mesa (docs/backends.md). Debian 12 only: its own Mesa 22
# lavapipe is refused by Dawn; the mesa-vulkan-drivers package of bookworm-backports works.
#
#   eval "$(bash tools/gpu/lavapipe.sh)"      # sets VK_DRIVER_FILES, XDG_RUNTIME_DIR, STDD_WEBGPU_ALLOW_SOFTWARE
#   STDD_BACKEND=webgpu npm run test:fixtures
#
# It prints only the `export` lines on stdout (progress goes to stderr) and reuses an earlier unpack.
# Environment: STDD_LAVAPIPE_DIR (default ~/.cache/stdd/lavapipe). As root it apt-installs the runtime
# libraries it needs (libvulkan1, libllvm15) when they are missing; otherwise it names them.
set -euo pipefail

DIR=${STDD_LAVAPIPE_DIR:-${HOME:-/tmp}/.cache/stdd/lavapipe}
ICD=$DIR/lvp_icd.json
log() { printf 'lavapipe.sh: %s\n' "$*" >&2; }

need_libs=()
for pkg in libvulkan1 libllvm15; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need_libs+=("$pkg")
done
if [ ${#need_libs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    log "installing ${need_libs[*]} (bookworm)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_libs[@]}" >&2
  else
    log "missing ${need_libs[*]}: run 'sudo apt-get install ${need_libs[*]}' and again"; exit 1
  fi
fi

lib=$(find "$DIR/root" -name libvulkan_lvp.so 2>/dev/null | head -1 || true)
if [ -z "$lib" ]; then
  sources=/etc/apt/sources.list.d/debian.sources
  uri=$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' "$sources" 2>/dev/null || true)
  uri=${uri:-$(awk '/^deb / && $0 !~ /security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)}
  [ -n "$uri" ] || { log "no Debian mirror found in $sources or /etc/apt/sources.list"; exit 1; }
  apt_dir=$DIR/apt
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$DIR/debs"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri bookworm-backports main" >"$apt_dir/sources.list"
  opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
  log "downloading mesa-vulkan-drivers from $uri bookworm-backports"
  apt-get "${opts[@]}" -q update >&2
  (cd "$DIR/debs" && apt-get "${opts[@]}" -q download mesa-vulkan-drivers/bookworm-backports >&2)
  deb=$(ls "$DIR"/debs/mesa-vulkan-drivers_*.deb | head -1)
  rm -rf "$DIR/root" && dpkg -x "$deb" "$DIR/root"
  lib=$(find "$DIR/root" -name libvulkan_lvp.so | head -1)
  [ -n "$lib" ] || { log "$deb has no libvulkan_lvp.so"; exit 1; }
  log "unpacked $(basename "$deb")"
fi

cat >"$ICD" <<EOF
{ "file_format_version": "1.0.0", "ICD": { "library_path": "$lib", "api_version": "1.3.0" } }
EOF
mkdir -p "$DIR/xdg" && chmod 700 "$DIR/xdg"
echo "export VK_DRIVER_FILES='$ICD'"
echo "export XDG_RUNTIME_DIR='$DIR/xdg'"
echo "export STDD_WEBGPU_ALLOW_SOFTWARE=1"
