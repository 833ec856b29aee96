# ReLA Operator: the commands users and CI run. `make help` lists them.
SHELL := /bin/bash
MVN ?= ./mvnw -B -ntp
FASHION_MNIST ?= /usr/share/datasets/fashion-mnist
CRD := relatrainingjobs.rela.io-v1.yml
TRAINER_JAR := trainer-image/target/rela-trainer.jar
JAVA_OPTS ?= -Dai.djl.offline=true -Xmx6g
export KUBE_API_TEST_DIR ?= $(HOME)/.cache/rela-operator/envtest
# Images: Jib tarballs. The base defaults to one built here from Debian packages (no registry
# needed); on a machine that reaches a registry: make images IMAGE_BASE=eclipse-temurin:17-jre
BASE_IMAGE_TAR ?= $(HOME)/.cache/rela-operator/images/debian-bookworm-jre17-turbojpeg.tar
IMAGE_BASE ?= tar://$(BASE_IMAGE_TAR)
IMAGE_FLAGS = -Dimages -Dimage.base=$(IMAGE_BASE)
# the paired study's results: a run already in runs.jsonl is not run again
EXPERIMENTS_OUT ?= bench/results/study-experiments-20261202

.PHONY: supervised-prior bench-experiments modelcar-base mlflow libtorch-cuda matplotlib bench-adaptive-windows node turbojpeg bench-loader bench-targets libtorch-2.11 test-trainer-torch211 gpu-bundle bench-gpu-dry-run pytorch bench-probe prometheus help demo test envtest crds dataset build trainer images base-image image-trainer-gpu bench bench-steps bench-compare bench-study bench-operator chart-golden e2e clean

help: ## list the targets
	@grep -E '^[a-z0-9.-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

demo: dataset trainer ## run a real ReLA job on the CPU (Fashion-MNIST, no cluster)
	java $(JAVA_OPTS) -jar $(TRAINER_JAR) run examples/fashion-mnist-quick.yaml --report-dir target/demo-report

test: dataset prometheus pytorch turbojpeg envtest node base-image libtorch-cuda mlflow modelcar-base ## build everything and the images (CPU and -cuda), and run every test (unit, API server, image, end to end)
	$(MVN) install $(IMAGE_FLAGS) -Dcuda

envtest: ## build (once, cached) kube-apiserver, etcd, kubectl, kube-controller-manager and helm
	./testinfra/envtest.sh all

node: ## build (once, cached) the real test node: kubelet, kube-scheduler, kube-proxy (k8s.io/kubernetes), containerd + runc + CNI plugins (Debian), a local pause image, Kueue (sigs.k8s.io/kueue)
	./testinfra/node.sh

crds: ## regenerate crds/ (and the chart's copy) from the Java types
	$(MVN) -q -pl api -am install -DskipTests
	cp api/target/classes/META-INF/fabric8/$(CRD) crds/$(CRD)
	@if [ -d charts/rela-operator/crds ]; then cp crds/$(CRD) charts/rela-operator/crds/$(CRD); fi

dataset: ## install Fashion-MNIST (Debian package dataset-fashion-mnist) when missing
	@if [ ! -f $(FASHION_MNIST)/train-images-idx3-ubyte.gz ] && [ ! -f $(FASHION_MNIST)/train-images-idx3-ubyte ]; then \
	  echo "installing dataset-fashion-mnist"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -q dataset-fashion-mnist || (apt-get update -q && apt-get install -y -q dataset-fashion-mnist); \
	  else sudo apt-get install -y -q dataset-fashion-mnist; fi; \
	fi

prometheus: ## install Debian's prometheus (server and promtool) when missing; the end-to-end test scrapes with it
	@if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then \
	  echo "installing prometheus"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -q --no-install-recommends prometheus || (apt-get update -q && apt-get install -y -q --no-install-recommends prometheus); \
	  else sudo apt-get install -y -q --no-install-recommends prometheus; fi; \
	fi

turbojpeg: ## install libjpeg-turbo's Java binding (Debian libturbojpeg-java, libturbojpeg0-dev) when missing: the trainer decodes JPEGs with it
	@if [ ! -f /usr/share/java/turbojpeg.jar ] || [ ! -e /usr/lib/x86_64-linux-gnu/libturbojpeg.so ]; then \
	  echo "installing libturbojpeg-java"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -q libturbojpeg-java libturbojpeg0-dev || (apt-get update -q && apt-get install -y -q libturbojpeg-java libturbojpeg0-dev); \
	  else sudo apt-get install -y -q libturbojpeg-java libturbojpeg0-dev; fi; \
	fi

pytorch: ## install Debian's PyTorch (python3-torch, python3-torchvision) when missing: the trainer's tests check exports, TorchScript priors and the probe against it
	@if ! /usr/bin/python3 -c 'import torch, torchvision' 2>/dev/null; then \
	  echo "installing python3-torch python3-torchvision"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -q python3-torch python3-torchvision || (apt-get update -q && apt-get install -y -q python3-torch python3-torchvision); \
	  else sudo apt-get install -y -q python3-torch python3-torchvision; fi; \
	fi

base-image: ## build (once, cached) the images' base from Debian packages: bookworm + OpenJDK 17 JRE
	@if [[ "$(IMAGE_BASE)" == tar://* ]]; then ./testinfra/base-image.sh "$(BASE_IMAGE_TAR)"; fi

modelcar-base: ## build (once, cached) the model image's base from Debian's busybox-static: the trainer image carries it for spec.export.image
	./trainer-image/modelcar-base.sh

images: base-image modelcar-base ## trainer (CPU) and operator images as tarballs: trainer-image/target/jib-image.tar, operator/target/jib-image.tar
	$(MVN) -q install $(IMAGE_FLAGS) -DskipTests

libtorch-cuda: base-image ## PyPI's CUDA build of libtorch 2.7.1 and the NVIDIA libraries it links, trimmed for the trainer (a 2.7 GB download, cached), and the GPU image's base holding it
	./trainer-image/cuda/libtorch.sh

image-trainer-gpu: base-image libtorch-cuda modelcar-base ## trainer GPU image, tag <version>-cuda (same jar and DJL, CUDA libtorch under /opt/libtorch): trainer-image/target/jib-image-cuda.tar
	$(MVN) -q -pl trainer-image -am package $(IMAGE_FLAGS) -Dcuda -DskipTests

trainer: ## build the trainer jar
	@if [ ! -f $(TRAINER_JAR) ] || [ -n "$$(find api/src trainer-image/src trainer-image/pom.xml api/pom.xml pom.xml -newer $(TRAINER_JAR) -print -quit)" ]; then \
	  $(MVN) -q -pl trainer-image -am install -DskipTests; fi

bench: bench-compare bench-loader bench-targets bench-study ## trainer throughput against PyTorch, and the ReLA effect study (about 2.5 h on 2 cores)

bench-steps: dataset trainer ## Java step throughput only (BACKBONES="convnet4 resnet18")
	./bench/run.sh

bench-compare: dataset trainer pytorch ## Java vs the PyTorch reference (python3-torch), A B A B, ratios per measurement
	@if [ -z "$(BENCH_REFERENCE)" ]; then echo "bench-compare: set BENCH_REFERENCE to the folder of the PyTorch reference benchmark (byol_rela_step.py)"; exit 2; fi
	./bench/compare.sh "$(BENCH_REFERENCE)"

bench-loader: trainer pytorch turbojpeg ## 224 px input pipeline (decode + BYOL/ReLA views, eval Resize+CenterCrop), Java vs torchvision, images/s per worker count
	./bench/loader.sh

bench-targets: trainer ## prior cache + targets with N x d > 2^31 (8.4M x 256 synthetic embeddings, 8 GiB scratch): times and peak RSS
	./bench/targets.sh

bench-probe: dataset pytorch ## the reference linear probe in Java and in PyTorch on the same frozen features (all 60k/10k Fashion-MNIST): both accuracies
	$(MVN) -q -pl trainer-image -am install -DskipTests
	$(MVN) -pl trainer-image surefire:test -Dtest=ProbeCrossCheckTest -Drela.probe.train=60000 -Drela.probe.test=10000 -Dsurefire.failIfNoSpecifiedTests=false | grep -E 'probe cross-check|Tests run|FAIL' 

bench-study: dataset trainer matplotlib ## the ReLA effect on Fashion-MNIST: 7 configurations x 3 seeds, table + accuracy chart (about 2 h on 2 cores)
	mkdir -p target/study-jar && cp $(TRAINER_JAR) target/study-jar/
	/usr/bin/python3 bench/study.py --jar target/study-jar/rela-trainer.jar

supervised-prior: dataset pytorch ## the study's strong prior: convnet4 trained with labels on train[24000:60000] (Debian's PyTorch), TorchScript, with its probe accuracy
	@if [ ! -f bench/results/supervised-prior/supervised-convnet4.pt ]; then /usr/bin/python3 bench/supervised_prior.py; fi

bench-experiments: dataset trainer matplotlib supervised-prior ## the paired experiments E1-E3 (10 configurations x 5 seeds, about 2.5 h on 2 cores): table, chart, paired.md
	mkdir -p target/study-jar && cp $(TRAINER_JAR) target/study-jar/
	/usr/bin/python3 bench/study.py --experiments --jar target/study-jar/rela-trainer.jar --out $(EXPERIMENTS_OUT)

bench-adaptive-windows: dataset trainer ## where the Adaptive rule switches at r = 1.0, 0.5, 0.1: reference decays vs windows in epochs (about 15 min)
	/usr/bin/python3 bench/adaptive_windows.py

mlflow: ## install (once, cached) PyPI's mlflow server into a virtual environment: the tracking tests log to a real one
	./testinfra/mlflow.sh

matplotlib: ## install Debian's matplotlib (python3-matplotlib) when missing: the study draws its chart with it
	@if ! /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then \
	  echo "installing python3-matplotlib"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -q python3-matplotlib || (apt-get update -q && apt-get install -y -q python3-matplotlib); \
	  else sudo apt-get install -y -q python3-matplotlib; fi; \
	fi

e2e: dataset prometheus envtest ## end to end: kubectl apply a job, operator jar + Job controller + node stand-in, watch it succeed
	$(MVN) -q -pl operator -am install -DskipTests
	$(MVN) -pl operator failsafe:integration-test failsafe:verify -Dit.test=EndToEndIT

bench-operator: envtest ## 1,000 ReLATrainingJobs against the real API server: time to first Job, heap, RSS, reconcile p50/p99; then the API server's CPU per kind of write
	$(MVN) -q -pl operator -am install -DskipTests
	$(MVN) -pl operator surefire:test -Dtest='OperatorScaleBenchmark,ApiServerWriteCosts' -Dsurefire.failIfNoSpecifiedTests=false

chart-golden: ## regenerate the chart's helm-template golden files after an intended change
	UPDATE_GOLDEN=1 $(MVN) -q -pl operator surefire:test -Dtest=ChartTest#templatesMatchTheGoldenFiles

# --- GPU preparation: the trainer on PyTorch 2.11 (the GPU machine's release) through DJL's JNI built for it
TORCH211 ?= $(HOME)/.cache/rela-operator/torch-2.11
TORCH211_ENV = PYTORCH_LIBRARY_PATH=$(TORCH211)/cpu-runtime PYTORCH_VERSION=2.11.0 PYTORCH_FLAVOR=cpu

libtorch-2.11: ## PyTorch 2.11.0 from PyPI and DJL's JNI built against it, cached (DJL_SRC=<DJL v0.36.0 checkout>)
	DJL_SRC="$(DJL_SRC)" ./bench/gpu/libtorch.sh

test-trainer-torch211: libtorch-2.11 dataset pytorch ## the trainer's unit tests on libtorch 2.11 (CPU) instead of DJL's bundled 2.7.1
	$(MVN) -q -pl trainer-image -am install -DskipTests
	$(TORCH211_ENV) $(MVN) -pl trainer-image surefire:test -Dtest='!TrainerImageIT'

gpu-bundle: libtorch-2.11 trainer ## what bench/gpu/run.sh carries to a GPU machine (GPU_REFERENCE=<byol_rela_step_gpu.py>): target/gpu-bundle
	GPU_REFERENCE="$(GPU_REFERENCE)" ./bench/gpu/bundle.sh

bench-gpu-dry-run: gpu-bundle pytorch ## bench/gpu/run.sh end to end on the CPU, tiny sizes, Java on libtorch 2.11 and Debian's PyTorch
	TORCH_LIB=$(TORCH211)/cpu-runtime TORCH_VERSION=2.11.0 PYTHON=/usr/bin/python3 ROUNDS=1 OUT=target/gpu-dry-run \
	  ./bench/gpu/run.sh --quick --cpu

clean: ## remove build output (keeps the binary cache)
	$(MVN) -q clean
