#!/usr/bin/env bash
# Builds the images' base (Debian bookworm + OpenJDK 17 JRE, from Debian packages with
# mmdebstrap) as a `docker save` tarball that Jib reads with a tar:// base reference, for
# machines that reach the Debian archive but no container registry. Cached and idempotent.
#
# Usage: testinfra/base-image.sh [output.tar]
#   default output: $RELA_CACHE/images/debian-bookworm-jre17-turbojpeg.tar (RELA_CACHE: ~/.cache/rela-operator)
set -euo pipefail

out=${1:-${RELA_CACHE:-$HOME/.cache/rela-operator}/images/debian-bookworm-jre17-turbojpeg.tar}
if [ -s "$out" ]; then
  echo "base image cached: $out"
  exit 0
fi
if ! command -v mmdebstrap >/dev/null; then
  echo "installing mmdebstrap (Debian package)"
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q --no-install-recommends mmdebstrap >/dev/null
  else sudo apt-get install -y -q --no-install-recommends mmdebstrap >/dev/null; fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/image" "$(dirname "$out")"

# Essential packages plus the JRE; maintainer scripts run, so /usr/bin/java and the CA
# store exist. Docs and translations are left out (man pages stay: update-alternatives
# links them).
echo "building the JRE root filesystem from Debian packages (a few minutes)"
# libturbojpeg-java: libjpeg-turbo's Java binding (SIMD JPEG decoding for the trainer); its
# loader looks for the unversioned libturbojpeg.so, which only the -dev package would link
mmdebstrap --quiet --variant=essential --include=openjdk-17-jre-headless,libturbojpeg-java \
  --customize-hook='ln -sf libturbojpeg.so.0 "$1"/usr/lib/x86_64-linux-gnu/libturbojpeg.so' \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
  bookworm "$work/image/layer.tar"

diff_id=$(sha256sum "$work/image/layer.tar" | cut -d' ' -f1)
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cat > "$work/image/config.json" <<EOF
{"architecture":"amd64","os":"linux","created":"$created",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                  "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64","LANG=C.UTF-8"],
           "User":"10001:10001","WorkingDir":"/"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created":"$created","created_by":"mmdebstrap --variant=essential --include=openjdk-17-jre-headless,libturbojpeg-java bookworm"}]}
EOF
cat > "$work/image/manifest.json" <<EOF
[{"Config":"config.json","RepoTags":["rela/base:bookworm-jre17"],"Layers":["layer.tar"]}]
EOF
tar -C "$work/image" -cf "$out.partial" manifest.json config.json layer.tar
mv "$out.partial" "$out"
echo "base image: $out ($(du -h "$out" | cut -f1))"
