#!/usr/bin/env bash
# An MLflow tracking server for the tests (PyPI's mlflow, pinned) in its own virtual environment:
#   $DIR/mlflow-<version>/bin/mlflow
# Idempotent: an environment already holding the pinned version is kept. `mlflow.sh dir` prints
# the environment's folder.
set -euo pipefail
MLFLOW_VERSION="${MLFLOW_VERSION:-3.17.2}"
DIR="${KUBE_API_TEST_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/rela-operator/envtest}"
VENV="$DIR/mlflow-$MLFLOW_VERSION"
if [ "${1:-}" = dir ]; then echo "$VENV"; exit 0; fi
if [ -x "$VENV/bin/mlflow" ] && [ "$(cat "$VENV/.version" 2>/dev/null)" = "$MLFLOW_VERSION" ]; then
  echo "mlflow: $MLFLOW_VERSION cached in $VENV" >&2
  exit 0
fi
echo "mlflow: installing mlflow==$MLFLOW_VERSION into $VENV (first time: about 2 minutes)" >&2
# the version file is written last: a half-made environment is made again
rm -rf "$VENV"
python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check "mlflow==$MLFLOW_VERSION"
printf '%s' "$MLFLOW_VERSION" > "$VENV/.version"
