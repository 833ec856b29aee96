#!/usr/bin/env bash
# Builds DJL 0.36's PyTorch JNI library (libdjl_torch.so) against another PyTorch release, so
# the trainer can run on that release's libtorch (for the GPU machine: PyTorch 2.11.0+cu130,
# whose CUDA natives DJL does not publish). DJL's native sources are not part of this project:
# pass the folder of a DJL v0.36.0 checkout.
#
#   bench/gpu/build-djl-jni.sh DJL_SRC TORCH_DIR OUT_DIR
#
#   DJL_SRC    a DJL v0.36.0 source tree (git clone -b v0.36.0 https://github.com/deepjavalibrary/djl);
#              only engines/pytorch/pytorch-native, engines/pytorch/pytorch-engine/src/main/java
#              and api/src/main/native are read
#   TORCH_DIR  the `torch` package folder of the PyTorch wheel to build against (has include/
#              and lib/), e.g. <site-packages>/torch or an unpacked wheel
#   OUT_DIR    receives libdjl_torch.so (and 0.36.0-libdjl_torch.so, the name DJL looks for)
#
# The library is built without DJL's USE_CUDA code (a CUDA-stream option for TorchScript
# inference and the cache-emptying call): it links only libtorch_cpu and libc10, so the same
# file runs on a CPU-only libtorch here and on the CUDA build of the same release on a GPU
# node, where DJL loads libtorch_cuda itself and tensors dispatch to CUDA at run time.
# Environment: CXX (default g++), JOBS (default nproc), DJL_API_JAR (DJL's api jar, for javac -h;
# default from the local Maven repository).
set -euo pipefail

if [ $# -ne 3 ]; then
  sed -n '2,20p' "$0" >&2
  exit 2
fi
DJL_SRC=$(cd "$1" && pwd)
TORCH_DIR=$(cd "$2" && pwd)
OUT_DIR=$3
NATIVE="$DJL_SRC/engines/pytorch/pytorch-native"
ENGINE_JAVA="$DJL_SRC/engines/pytorch/pytorch-engine/src/main/java"
UTILS="$DJL_SRC/api/src/main/native"
CXX=${CXX:-g++}
JOBS=${JOBS:-$(nproc)}
DJL_API_JAR=${DJL_API_JAR:-$HOME/.m2/repository/ai/djl/api/0.36.0/api-0.36.0.jar}

for f in "$NATIVE/src/main/native/ai_djl_pytorch_jni_PyTorchLibrary_tensor.cc" "$ENGINE_JAVA/ai/djl/pytorch/jni/PyTorchLibrary.java" \
    "$UTILS/djl/utils.h" "$TORCH_DIR/include/torch/script.h" "$TORCH_DIR/lib/libtorch_cpu.so" "$DJL_API_JAR"; do
  [ -e "$f" ] || { echo "build-djl-jni: missing $f" >&2; exit 2; }
done
JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}

mkdir -p "$OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)
BUILD="$OUT_DIR/build"
rm -rf "$BUILD"
mkdir -p "$BUILD/include" "$BUILD/classes" "$BUILD/obj"

# the JNI header, generated from the Java side exactly as DJL's own build does
javac -cp "$DJL_API_JAR" -sourcepath "$ENGINE_JAVA" -h "$BUILD/include" -d "$BUILD/classes" \
  "$ENGINE_JAVA/ai/djl/pytorch/jni/PyTorchLibrary.java"

# the C++ ABI the wheel was built with: its libc10 exports std::__cxx11 symbols only under the new ABI
ABI=0
if [ "$(nm -D --defined-only "$TORCH_DIR/lib/libc10.so" | grep -c __cxx11)" -gt 0 ]; then ABI=1; fi
CXXFLAGS=(-std=c++17 -O2 -fPIC -DNDEBUG "-D_GLIBCXX_USE_CXX11_ABI=$ABI" -w
  -I"$BUILD/include" -I"$UTILS" -I"$TORCH_DIR/include" -I"$TORCH_DIR/include/torch/csrc/api/include"
  -I"$JAVA_HOME/include" -I"$JAVA_HOME/include/linux")

echo "build-djl-jni: compiling DJL's PyTorch JNI against $(basename "$TORCH_DIR") in $TORCH_DIR (ABI $ABI, $JOBS jobs)"
compile() { "$CXX" "${CXXFLAGS[@]}" -c "$1" -o "$BUILD/obj/$(basename "$1" .cc).o"; }
pids=()
for src in "$NATIVE"/src/main/native/*.cc; do
  compile "$src" &
  pids+=($!)
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
done
for p in "${pids[@]}"; do wait "$p"; done

$CXX -shared -o "$OUT_DIR/libdjl_torch.so" "$BUILD"/obj/*.o -L"$TORCH_DIR/lib" -ltorch_cpu -lc10 \
  -Wl,-rpath,'$ORIGIN' -Wl,--allow-shlib-undefined
cp "$OUT_DIR/libdjl_torch.so" "$OUT_DIR/0.36.0-libdjl_torch.so"
echo "build-djl-jni: $OUT_DIR/libdjl_torch.so"
