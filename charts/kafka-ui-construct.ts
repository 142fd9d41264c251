/** Kafka UI (kafbat), off by default as in the original pipeline: a Deployment and its Service. */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { Labels } from './labels.ts';
import { containerSecurityContext, scratchVolume } from './security.ts';
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
    const tmp = scratchVolume('tmp', '/tmp');

    webTool(this, {
      name,
      labels,
      selector,
      runAs: KAFKA_UI_RUN_AS,
      port: PORT,
      container: {
        name: KAFKA_UI_COMPONENT,
        image: props.image,
        env: [
          { name: 'KAFKA_CLUSTERS_0_NAME', value: props.clusterName },
          { name: 'KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS', value: props.bootstrapServers },
          { name: 'DYNAMIC_CONFIG_ENABLED', value: 'false' },
        ],
        readinessProbe: {
          httpGet: { path: '/actuator/health', port: k8s.IntOrString.fromString('http') },
          periodSeconds: 10,
        },
        resources: {
          requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('384Mi') },
          limits: { cpu: k8s.Quantity.fromString('1'), memory: k8s.Quantity.fromString('768Mi') },
        },
        securityContext: containerSecurityContext({ readOnlyRootFilesystem: true }),
        volumeMounts: [tmp.mount],
      },
      volumes: [tmp.volume],
    });
  }
}
