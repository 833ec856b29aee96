# ReLA Operator: the commands users and CI run. `make help` lists them.
SHELL := /bin/bash
MVN ?= ./mvnw -B -ntp
FASHION_MNIST ?= /usr/share/datasets/fashion-mnist
CRD := relatrainingjobs.rela.io-v1.yml
TRAINER_JAR := trainer-image/target/rela-trainer.jar
JAVA_OPTS ?= -Dai.djl.offline=true -Xmx6g
export KUBE_API_TEST_DIR ?= $(HOME)/.cache/rela-operator/envtest

.PHONY: prometheus help demo test envtest crds dataset build trainer bench bench-operator chart-golden e2e clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

demo: dataset trainer ## run a real ReLA job on the CPU (Fashion-MNIST, no cluster)
	java $(JAVA_OPTS) -jar $(TRAINER_JAR) run examples/fashion-mnist-quick.yaml --report-dir target/demo-report

test: dataset prometheus envtest ## build everything and run every test (unit, API server, end to end)
	$(MVN) install

envtest: ## build (once, cached) kube-apiserver, etcd, kubectl, kube-controller-manager and helm
	./testinfra/envtest.sh all

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

trainer: ## build the trainer jar
	@if [ ! -f $(TRAINER_JAR) ] || [ -n "$$(find api/src trainer-image/src trainer-image/pom.xml api/pom.xml pom.xml -newer $(TRAINER_JAR) -print -quit)" ]; then \
	  $(MVN) -q -pl trainer-image -am install -DskipTests; fi

bench: dataset trainer ## trainer throughput against PyTorch and the ReLA effect (long)
	./bench/run.sh

e2e: dataset prometheus envtest ## end to end: kubectl apply a job, operator jar + Job controller + node stand-in, watch it succeed
	$(MVN) -q -pl operator -am install -DskipTests
	$(MVN) -pl operator failsafe:integration-test failsafe:verify -Dit.test=EndToEndIT

bench-operator: envtest ## 1,000 ReLATrainingJobs against the real API server: time to first Job, heap, RSS, reconcile p50/p99
	$(MVN) -q -pl operator -am install -DskipTests
	$(MVN) -pl operator surefire:test -Dtest=OperatorScaleBenchmark -Dsurefire.failIfNoSpecifiedTests=false

chart-golden: ## regenerate the chart's helm-template golden files after an intended change
	UPDATE_GOLDEN=1 $(MVN) -q -pl operator surefire:test -Dtest=ChartTest#templatesMatchTheGoldenFiles

clean: ## remove build output (keeps the binary cache)
	$(MVN) -q clean
