#!/usr/bin/env bash
# One single-node Kubernetes cluster, run as PID 1 of its own PID, mount, network and cgroup
# namespaces (started by io.rela.testinfra.RealCluster through
# `unshare -C -m -n -p --fork --mount-proc`). Everything it starts dies with it: when its
# standard input closes (the test ended, or its JVM died) it exits and the kernel kills the
# rest of the namespace. The host's mounts and network are never touched: every mount below
# is made in this private mount namespace, every address and rule in this network namespace.
#   cluster.sh <run-dir> <kubernetes-bin-dir> <node-dir> [kueue] [registry]
# Writes <run-dir>/ready when the API server answers; logs under <run-dir>/logs. With `kueue`,
# Kueue's controller manager also runs here as a process (<node-dir>/kueue, built by
# envtest.sh kueue), its webhooks called by the API server at 127.0.0.1:9443, and
# <run-dir>/kueue-ready appears once they are registered. With `registry`, an OCI registry
# (envtest.sh registry) serves plain HTTP at <node-ip>:5000 to pods and to containerd, with
# htpasswd auth for user `rela`, password in <run-dir>/registry/password.
set -euo pipefail
RUN="$1"; BIN="$2"; NODE="$3"; shift 3
WITH_KUEUE=""; WITH_REGISTRY=""
for extra in "$@"; do
  case "$extra" in kueue) WITH_KUEUE=kueue ;; registry) WITH_REGISTRY=registry ;; "") ;; esac
done
NODE_IP=10.201.0.1
NODE_NAME=rela-node
POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.96.0.0/24
mkdir -p "$RUN"/{logs,pki,etcd,kubelet,containerd/root,containerd/state,cni/net.d,cni/ipam,varlog,pv}
LOGS="$RUN/logs"
exec 2>>"$LOGS/cluster.log"
set -x

# --- mounts (private to this namespace) -------------------------------------------------
mount --make-rprivate /
# sysfs of this network namespace (interfaces the CNI plugins create show up under /sys/class/net)
mount -t sysfs sysfs /sys
# cgroup v1 hierarchies mounted afresh: in this cgroup namespace the test's own cgroup is the
# root, so the kubelet's kubepods tree nests under it and is removed with it
mount -t tmpfs -o mode=755 cgroup /sys/fs/cgroup
while read -r name _ _ enabled; do
  [ "$name" = "#subsys_name" ] && continue
  [ "$enabled" = 1 ] || continue
  mkdir -p "/sys/fs/cgroup/$name"
  mount -t cgroup -o "$name" cgroup "/sys/fs/cgroup/$name" || rmdir "/sys/fs/cgroup/$name"
done < /proc/cgroups
mkdir -p /sys/fs/cgroup/systemd /sys/fs/cgroup/unified
mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd || true
mount -t cgroup2 cgroup2 /sys/fs/cgroup/unified || true
# runtime state, pod logs and the kubelet's fixed paths, all inside the run folder
mount -t tmpfs -o mode=755 run /run
mkdir -p /run/netns
mount --bind "$RUN/varlog" /var/log
mkdir -p /var/lib/kubelet 2>/dev/null || true
mount --bind "$RUN/kubelet" /var/lib/kubelet

# --- network ------------------------------------------------------------------------------
ip link set lo up
# the node's address on a bridge without ports (no dummy interfaces on these kernels), with an
# on-link default route: the API server will not start without a default route
ip link add node0 type bridge
ip addr add "$NODE_IP/32" dev node0
ip link set node0 up
ip route add default dev node0
sysctl -qw net.ipv4.ip_forward=1
cat > "$RUN/cni/net.d/10-rela.conflist" <<JSON
{"cniVersion": "1.0.0", "name": "rela",
 "plugins": [
  {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_CIDR"}]], "routes": [{"dst": "0.0.0.0/0"}],
            "dataDir": "$RUN/cni/ipam"}},
  {"type": "portmap", "capabilities": {"portMappings": true}}]}
JSON

# --- certificates ----------------------------------------------------------------------------
PKI="$RUN/pki"
cd "$PKI"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=rela-test-ca" 2>/dev/null
cert() { # name, subject, extensions
  openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" -days 2 -extfile "$1.ext" 2>/dev/null
}
cert apiserver "/CN=kube-apiserver" "subjectAltName=IP:127.0.0.1,IP:$NODE_IP,IP:10.96.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost
extendedKeyUsage=serverAuth"
cert admin "/O=system:masters/CN=rela-test-admin" "extendedKeyUsage=clientAuth"
cert kubelet-client "/O=system:nodes/CN=system:node:$NODE_NAME" "extendedKeyUsage=clientAuth"
cert kubelet "/CN=$NODE_NAME" "subjectAltName=IP:$NODE_IP,DNS:$NODE_NAME
extendedKeyUsage=serverAuth"
[ "$WITH_KUEUE" = kueue ] && cert kueue-webhook "/CN=kueue-webhook" "subjectAltName=IP:127.0.0.1
extendedKeyUsage=serverAuth"
openssl genrsa -out sa.key 2048 2>/dev/null
openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
kubeconfig() { # file, cert name
  cat > "$1" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: rela
  cluster: {server: "https://127.0.0.1:6443", certificate-authority: $PKI/ca.crt}
users:
- name: u
  user: {client-certificate: $PKI/$2.crt, client-key: $PKI/$2.key}
contexts:
- name: rela
  context: {cluster: rela, user: u}
current-context: rela
YAML
}
kubeconfig "$RUN/admin.kubeconfig" admin
kubeconfig "$RUN/kubelet.kubeconfig" kubelet-client
cd "$RUN"

# --- control plane ---------------------------------------------------------------------------
"$BIN/etcd" --data-dir "$RUN/etcd" --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
  --listen-peer-urls http://127.0.0.1:2380 --unsafe-no-fsync --log-level warn > "$LOGS/etcd.log" 2>&1 &
"$BIN/kube-apiserver" --etcd-servers=http://127.0.0.1:2379 --bind-address=0.0.0.0 --secure-port=6443 \
  --advertise-address="$NODE_IP" --service-cluster-ip-range="$SERVICE_CIDR" \
  --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" --client-ca-file="$PKI/ca.crt" \
  --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
  --kubelet-client-certificate="$PKI/admin.crt" --kubelet-client-key="$PKI/admin.key" \
  --kubelet-preferred-address-types=InternalIP --v=1 > "$LOGS/kube-apiserver.log" 2>&1 &
for _ in $(seq 1 240); do
  curl -sf --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" https://127.0.0.1:6443/readyz >/dev/null 2>&1 && break
  sleep 0.5
done
"$BIN/kube-controller-manager" --kubeconfig="$RUN/admin.kubeconfig" --authentication-kubeconfig="$RUN/admin.kubeconfig" \
  --authorization-kubeconfig="$RUN/admin.kubeconfig" --controllers='*' --leader-elect=false \
  --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" --use-service-account-credentials=false \
  --v=1 > "$LOGS/kube-controller-manager.log" 2>&1 &
"$BIN/kube-scheduler" --kubeconfig="$RUN/admin.kubeconfig" --authentication-kubeconfig="$RUN/admin.kubeconfig" \
  --authorization-kubeconfig="$RUN/admin.kubeconfig" --leader-elect=false --v=1 > "$LOGS/kube-scheduler.log" 2>&1 &

# --- the node --------------------------------------------------------------------------------
cat > "$RUN/containerd.toml" <<TOML
version = 2
root = "$RUN/containerd/root"
state = "$RUN/containerd/state"
[grpc]
  address = "$RUN/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "rela.local/pause:1"
  # no CAP_SYS_RESOURCE on these machines: containers may not lower their OOM score
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$RUN/cni/net.d"
  # the test registry (plain HTTP on the node's address), when it runs
  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."$NODE_IP:5000"]
    endpoint = ["http://$NODE_IP:5000"]
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
TOML
containerd --config "$RUN/containerd.toml" > "$LOGS/containerd.log" 2>&1 &
for _ in $(seq 1 60); do [ -S "$RUN/containerd.sock" ] && break; sleep 0.5; done
ctr --address "$RUN/containerd.sock" -n k8s.io images import "$NODE/pause.tar" > "$LOGS/import-pause.log" 2>&1

cat > "$RUN/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# these machines run the cgroup v1 hierarchies
failCgroupV1: false
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$RUN/containerd.sock
address: $NODE_IP
readOnlyPort: 0
tlsCertFile: $PKI/kubelet.crt
tlsPrivateKeyFile: $PKI/kubelet.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
failSwapOn: false
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
podLogsDir: /var/log/pods
serializeImagePulls: false
imageGCHighThresholdPercent: 100
evictionHard: {memory.available: "50Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
evictionPressureTransitionPeriod: 5s
nodeStatusUpdateFrequency: 4s
syncFrequency: 5s
fileCheckFrequency: 5s
YAML
"$BIN/kubelet" --config="$RUN/kubelet.yaml" --kubeconfig="$RUN/kubelet.kubeconfig" --hostname-override="$NODE_NAME" \
  --node-ip="$NODE_IP" --v=1 > "$LOGS/kubelet.log" 2>&1 &

cat > "$RUN/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clusterCIDR: $POD_CIDR
hostnameOverride: $NODE_NAME
clientConnection: {kubeconfig: $RUN/admin.kubeconfig}
# leave the host's conntrack limits alone
conntrack: {maxPerCore: 0}
metricsBindAddress: 127.0.0.1:10249
YAML
"$BIN/kube-proxy" --config="$RUN/kube-proxy.yaml" --v=1 > "$LOGS/kube-proxy.log" 2>&1 &

# --- Kueue (optional) -----------------------------------------------------------------------
# A process rather than a pod: no image to build for it, and the API server reaches its webhook
# server on loopback in this network namespace. Its CRDs first, then the manager (it refuses to
# start without them), then the webhooks once it serves them: they are called for every Job.
start_kueue() {
  local K="$NODE/kueue" KC=("$BIN/kubectl" --kubeconfig "$RUN/admin.kubeconfig")
  "${KC[@]}" apply --server-side -f "$K/crds" > "$LOGS/kueue-install.log" 2>&1
  "${KC[@]}" wait --for condition=established --timeout=60s -f "$K/crds" >> "$LOGS/kueue-install.log" 2>&1
  "${KC[@]}" create namespace kueue-system >> "$LOGS/kueue-install.log" 2>&1
  mkdir -p "$RUN/kueue/certs"
  cp "$PKI/kueue-webhook.crt" "$RUN/kueue/certs/tls.crt"
  cp "$PKI/kueue-webhook.key" "$RUN/kueue/certs/tls.key"
  cat > "$RUN/kueue/config.yaml" <<YAML
apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
namespace: kueue-system
health: {healthProbeBindAddress: "127.0.0.1:18081"}
metrics: {bindAddress: "127.0.0.1:18443"}
webhook: {port: 9443, certDir: "$RUN/kueue/certs"}
leaderElection: {leaderElect: false}
internalCertManagement: {enable: false}
integrations: {frameworks: ["batch/job"]}
YAML
  # the on-demand visibility API (an aggregated API server with its own certificates) is off: the
  # tests read Kueue's state from Workloads and ClusterQueues.
  # the manager reads its metrics server's certificate from a fixed path, /etc/kueue/metrics/certs:
  # it gets its own mount namespace where /etc is an overlay whose writes land in the run folder
  mkdir -p "$RUN/kueue/etc-upper" "$RUN/kueue/etc-work"
  KUBECONFIG="$RUN/admin.kubeconfig" unshare --mount bash -c '
    mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/etc-upper,workdir=$1/etc-work" /etc
    mkdir -p /etc/kueue/metrics/certs && cp "$1/certs/tls.crt" "$1/certs/tls.key" /etc/kueue/metrics/certs/
    exec "$2" --config="$1/config.yaml" --zap-log-level=2 --feature-gates=VisibilityOnDemand=false' kueue "$RUN/kueue" "$K/kueue" > "$LOGS/kueue.log" 2>&1 &
  local up=""
  for _ in $(seq 1 240); do
    curl -sf http://127.0.0.1:18081/readyz >/dev/null 2>&1 && { up=1; break; }
    sleep 0.5
  done
  # webhooks for every Job must never point at a manager that is not there
  [ -n "$up" ] || { echo "kueue's manager is not ready after 120 s (logs/kueue.log)" >> "$LOGS/kueue-install.log"; return 1; }
  sed "s|__CA_BUNDLE__|$(base64 -w0 < "$PKI/ca.crt")|" "$K/webhooks.yaml" > "$RUN/kueue/webhooks.yaml"
  "${KC[@]}" apply -f "$RUN/kueue/webhooks.yaml" >> "$LOGS/kueue-install.log" 2>&1
  touch "$RUN/kueue-ready"
}
[ "$WITH_KUEUE" = kueue ] && (start_kueue || touch "$RUN/kueue-failed") &

# --- OCI registry (optional) ------------------------------------------------------------------
if [ "$WITH_REGISTRY" = registry ]; then
  mkdir -p "$RUN/registry/data"
  head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$RUN/registry/password"
  "$(dirname "$BIN")/../bin/registry" htpasswd rela "$(cat "$RUN/registry/password")" > "$RUN/registry/htpasswd"
  cat > "$RUN/registry/config.yml" <<YAML
version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: $RUN/registry/data}
http: {addr: "0.0.0.0:5000"}
auth:
  htpasswd: {realm: rela-node, path: $RUN/registry/htpasswd}
YAML
  "$(dirname "$BIN")/../bin/registry" serve "$RUN/registry/config.yml" > "$LOGS/registry.log" 2>&1 &
fi

# the test reaches the API server through a Unix socket in the run folder
"$NODE/relanode" forward unix "$RUN/api.sock" tcp 127.0.0.1:6443 > "$LOGS/forward.log" 2>&1 &
for _ in $(seq 1 40); do [ -S "$RUN/api.sock" ] && break; sleep 0.25; done
touch "$RUN/ready"
set +x
# until the test closes our standard input; then PID 1 exits and the namespace dies with it
cat > /dev/null || true
echo "stdin closed: stopping" >&2
