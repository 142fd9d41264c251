/** Kafka UI (kafbat), off by default as in the original pipeline: a Deployment and its Service. */
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { Labels } from './labels.ts';
import { webTool } from './web-tool.ts';

export const KAFKA_UI_COMPONENT = 'kafka-ui';
const PORT = 8080;

/** The image's unprivileged `kafkaui` user. */
const KAFKA_UI_RUN_AS = { user: 100, group: 101 };

export interface KafkaUiProps {
  /** Of the Deployment and its Service. */
  readonly name: string;
  /** The pipeline's labels; the selector is added to them. */
  readonly labels: Labels;
  readonly selector: Labels;
  readonly image: string;
  /** The name the UI shows for the cluster: the pipeline's. */
  readonly clusterName: string;
  /** `host:port,...` of the pipeline's Kafka. */
  readonly bootstrapServers: string;
}

export class KafkaUiConstruct extends Construct {
  constructor(scope: Construct, id: string, props: KafkaUiProps) {
    super(scope, id);
    const { name, selector } = props;
    const labels = { ...props.labels, ...selector };
    webTool(this, {
      name,
      containerName: KAFKA_UI_COMPONENT,
      labels,
      selector,
      image: props.image,
      runAs: KAFKA_UI_RUN_AS,
      port: PORT,
      readinessPath: '/actuator/health',
      env: {
        KAFKA_CLUSTERS_0_NAME: kplus.EnvValue.fromValue(props.clusterName),
        KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS: kplus.EnvValue.fromValue(props.bootstrapServers),
        DYNAMIC_CONFIG_ENABLED: kplus.EnvValue.fromValue('false'),
      },
      resources: {
        cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.units(1) },
        memory: { request: Size.mebibytes(384), limit: Size.mebibytes(768) },
      },
      scratch: [{ name: 'tmp', path: '/tmp' }],
    });
  }
}
