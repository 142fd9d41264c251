/** `spec.tools`: the web UIs the original docker-compose pipeline shipped, off unless asked for. */
import { z } from 'zod';
import { versions } from '../versions.ts';
import { image } from './field-formats.ts';

export const DEFAULT_KAFKA_UI_IMAGE = `ghcr.io/kafbat/kafka-ui:${versions.kafkaUi}`;
export const DEFAULT_PGADMIN_IMAGE = `dpage/pgadmin4:${versions.pgAdmin}`;

export const toolsSpecSchema = z
  .strictObject({
    kafkaUi: z
      .strictObject({
        enabled: z.boolean().default(false).meta({ description: 'Deploy Kafka UI.' }),
        image: image.default(DEFAULT_KAFKA_UI_IMAGE).meta({ description: 'The Kafka UI image.' }),
      })
      .prefault({})
      .meta({ description: 'Kafka UI, a web view of the topics.' }),
    pgAdmin: z
      .strictObject({
        enabled: z.boolean().default(false).meta({ description: 'Deploy pgAdmin.' }),
        image: image.default(DEFAULT_PGADMIN_IMAGE).meta({ description: 'The pgAdmin 4 image.' }),
        email: z
          .email()
          .default('admin@example.com')
          .meta({ description: 'Login of pgAdmin’s first user; its password is generated into a Secret.' }),
      })
      .prefault({})
      .meta({ description: 'pgAdmin 4, a web view of the database.' }),
  })
  .prefault({})
  .meta({ description: 'Optional web tools, as the original pipeline had them; off by default.' });

export type ToolsSpec = z.output<typeof toolsSpecSchema>;
