#!/usr/bin/env bash
# Runs the stdd CLI on the GPU machine from the pack in .gpu/ (tools/gpu/pack.mjs) — no Node.js or
# node_modules needed there. Run from the repository root:   bash tools/gpu/run.sh
# Writes into $OUT: run.log (everything), one <step>.txt per step, results.json (all figures).
#
# Environment (all optional):
#   OUT                      where results go (default /tmp/gpu-out)
#   STDD_GPU_BACKEND         backend forced in every step (default webgpu)
#   STDD_GPU_QUICK=1         bench with --quick (small shapes: for checking the pack on a CPU)
#   STDD_GPU_SKIP_SYSTEM=1   skip dpkg -x/ldconfig of .gl/*.deb (set it anywhere but the GPU machine)
#   STDD_GPU_BUDGET_S        seconds for all steps together (default 400); a step's timeout is cut to what is left
#   STDD_GPU_STEPS           steps to run, space-separated (default: info bench-gpu bench-stdd bench-clip smoke;
#                            also bench-gpu-f16: the gpu bench again with STDD_WEBGPU_STORAGE=f16, without PyTorch)
#   STDD_GPU_TMP             scratch folder for node and the data folder (default /tmp/stdd-gpu)
set -u
ROOT=$(pwd)
OUT=${OUT:-/tmp/gpu-out}
BACKEND=${STDD_GPU_BACKEND:-webgpu}
QUICK=${STDD_GPU_QUICK:-0}
BUDGET=${STDD_GPU_BUDGET_S:-400}
STEPS=${STDD_GPU_STEPS:-info bench-gpu bench-stdd bench-clip smoke}
WORK=${STDD_GPU_TMP:-/tmp/stdd-gpu}
LOG=$OUT/run.log
T0=$(date +%s)

mkdir -p "$OUT" "$WORK"
: >"$LOG"
say() { printf '%s\n' "$*" | tee -a "$LOG"; }
ms_now() { date +%s%3N; }
secs() { awk -v ms="$1" 'BEGIN { printf "%.1f", ms / 1000 }'; }

if [ ! -f tools/gpu/run.sh ] || [ ! -f .gpu/node.xz ] || [ ! -f .gpu/app.tar.xz ]; then
  say "run.sh: run me from the repository root, with .gpu/ made by tools/gpu/pack.mjs (carry [\".gpu\", \".gl\"]); here: $ROOT"
  exit 2
fi
say "== stdd GPU pack run, $(date -u '+%Y-%m-%d %H:%M:%S UTC'), backend $BACKEND$([ "$QUICK" = 1 ] && echo ', quick'), budget ${BUDGET}s, in $ROOT"
sed 's/^/   /' .gpu/MANIFEST.txt 2>/dev/null | tee -a "$LOG"

# --- The system: Vulkan loader and glvnd from .gl/ (tools/gpu/README.md), ICD fallback, XDG. ---
t=$(ms_now)
if [ "${STDD_GPU_SKIP_SYSTEM:-0}" != 1 ]; then
  if ls .gl/*.deb >/dev/null 2>&1; then
    for f in .gl/*.deb; do dpkg -x "$f" / || say "warning: dpkg -x $f failed"; done
    ldconfig || say "warning: ldconfig failed"
    say "unpacked $(ls .gl/*.deb | wc -l) .gl debs into / and ran ldconfig"
  else
    say "warning: no .gl/*.deb (carry .gl): the Vulkan loader may be missing"
  fi
else
  say "STDD_GPU_SKIP_SYSTEM=1: not unpacking .gl debs, no ldconfig"
fi
nv_icd=$(ls /usr/share/vulkan/icd.d/*nvidia*.json /etc/vulkan/icd.d/*nvidia*.json /usr/local/share/vulkan/icd.d/*nvidia*.json 2>/dev/null | head -1)
if [ -z "$nv_icd" ] && [ -z "${VK_DRIVER_FILES:-}" ] && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
if ! ls /usr/share/glvnd/egl_vendor.d/*nvidia*.json >/dev/null 2>&1 && [ -z "${__EGL_VENDOR_LIBRARY_FILENAMES:-}" ] && [ -f /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json ]; then
  export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
fi
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$WORK/xdg}
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
{
  echo "machine: $(uname -srm), $(nproc) cores, glibc $(ldd --version 2>/dev/null | head -1 | awk '{print $NF}')"
  echo "gpu: $(command -v nvidia-smi >/dev/null && nvidia-smi -L 2>&1 | head -4 | tr "\n" " " || echo "no nvidia-smi")"
  nvidia-smi --query-gpu=driver_version,memory.total --format=csv,noheader 2>/dev/null | sed 's/^/driver, memory: /'
  echo "libvulkan: $(ldconfig -p 2>/dev/null | grep -o 'libvulkan.so.1 .*' | head -1)"
  echo "nvidia ICD: ${nv_icd:-none in /usr/share,/etc,/usr/local/share}; VK_DRIVER_FILES=${VK_DRIVER_FILES:-unset}; __EGL_VENDOR_LIBRARY_FILENAMES=${__EGL_VENDOR_LIBRARY_FILENAMES:-unset}"
  echo "devices: $(ls /dev/nvidia* /dev/dri/renderD* 2>/dev/null | tr '\n' ' ')"
  echo "python3: $(python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())' 2>&1 | tail -1)"
} 2>&1 | tee -a "$LOG"

# --- Node and the app, unpacked. ---
unxz_to() { xz -dc "$1" >"$2" 2>/dev/null || python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; }
NODE=$WORK/node
unxz_to .gpu/node.xz "$NODE" && chmod +x "$NODE"
rm -rf .gpu/app "$WORK/app.tar"
unxz_to .gpu/app.tar.xz "$WORK/app.tar" && tar -xf "$WORK/app.tar" -C .gpu && rm -f "$WORK/app.tar"
CLI=$ROOT/.gpu/app/main/cli.mjs
if ! "$NODE" -v >/dev/null 2>&1 || [ ! -f "$CLI" ]; then
  say "run.sh: could not unpack node or the app (node: $("$NODE" -v 2>&1 | head -1)); stopping"
  exit 3
fi
say "node $("$NODE" -v) at $NODE; CLI bundle $CLI; setup $(secs $(( $(ms_now) - t ))) s"
export NODE_OPTIONS=--max-old-space-size=16384
STDD=("$NODE" "$CLI")
DATA=$WORK/data
rm -rf "$DATA" "$WORK"/*.json "$WORK/steps.tsv"

# --- The steps: each with its own timeout, output in $OUT/<name>.txt, JSON (if any) in $WORK/<name>.json. ---
# step NAME TIMEOUT_S JSON(0/1) COMMAND…   (JSON=1: the command's stdout is JSON, kept apart from its log)
step() {
  local name=$1 limit=$2 json=$3
  shift 3
  local txt=$OUT/$name.txt left=$((BUDGET - ($(date +%s) - T0)))
  : >"$txt"
  if [ "$left" -lt 15 ]; then
    say "== $name: skipped, the time budget (${BUDGET}s) is spent"
    printf '%s\t%s\t%s\t%s\n' "$name" -1 0 skipped >>"$WORK/steps.tsv"
    return
  fi
  [ "$limit" -gt "$left" ] && limit=$left
  say ""
  say "== $name (timeout ${limit}s): $*"
  local t rc
  t=$(ms_now)
  if [ "$json" = 1 ]; then
    timeout -k 10 "$limit" "$@" 2>&1 >"$WORK/$name.json" </dev/null | tee -a "$txt" "$LOG"
    rc=${PIPESTATUS[0]}
    if [ -s "$WORK/$name.json" ]; then { echo "--- JSON:"; cat "$WORK/$name.json"; } | tee -a "$txt" "$LOG" >/dev/null; fi
  else
    timeout -k 10 "$limit" "$@" </dev/null 2>&1 | tee -a "$txt" "$LOG"
    rc=${PIPESTATUS[0]}
  fi
  local ms=$(( $(ms_now) - t )) status=ok
  [ "$rc" != 0 ] && status=failed
  [ "$rc" = 124 ] || [ "$rc" = 137 ] && status=timeout
  say "== $name: $status (exit $rc) in $(secs $ms) s"
  printf '%s\t%s\t%s\t%s\n' "$name" "$rc" "$ms" "$status" >>"$WORK/steps.tsv"
}

quick=()
[ "$QUICK" = 1 ] && quick=(--quick)
for s in $STEPS; do
  case $s in
    info) step info 45 1 "${STDD[@]}" info --json --backend "$BACKEND" --data-dir "$DATA" ;;
    bench-gpu) step bench-gpu 240 1 "${STDD[@]}" bench --suite gpu --json "${quick[@]}" --backend "$BACKEND" ;;
    bench-gpu-f16) step bench-gpu-f16 150 1 env STDD_WEBGPU_STORAGE=f16 STDD_BENCH_TORCH=0 "${STDD[@]}" bench --suite gpu --json "${quick[@]}" --backend "$BACKEND" ;;
    bench-stdd) step bench-stdd 150 1 "${STDD[@]}" bench --suite stdd --json "${quick[@]}" --backend "$BACKEND" ;;
    bench-clip) step bench-clip 120 1 "${STDD[@]}" bench --suite clip --json "${quick[@]}" --backend "$BACKEND" ;;
    smoke) step smoke 90 0 "${STDD[@]}" run experiments/smoke.yaml --backend "$BACKEND" --data-dir "$DATA" ;;
    *) say "== $s: unknown step (info bench-gpu bench-gpu-f16 bench-stdd bench-clip smoke)" ;;
  esac
done

# --- Summary: a table here, everything in $OUT/results.json. ---
say ""
say "== summary (backend $BACKEND), total $(( $(date +%s) - T0 )) s"
awk -F'\t' '{ printf "   %-11s %-8s exit %-4s %7.1f s\n", $1, $4, $2, $3 / 1000 }' "$WORK/steps.tsv" | tee -a "$LOG"
"$NODE" tools/gpu/summarize.mjs "$WORK" "$OUT" "$BACKEND" 2>&1 | tee -a "$LOG"
exit 0
