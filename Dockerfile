# The cashback worker: Node.js 24 runs the TypeScript sources directly (type stripping); only the workflow bundle is built.
FROM node:24-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci runs the Node version check (preinstall) first.
COPY tools/require-node.cjs ./tools/
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
# The workflows are bundled once, here, not at every worker start (WORKFLOW_BUNDLE_PATH; docs/releasing.md).
RUN node src/worker/build-bundle.ts dist/workflows.js
# The commit names the worker's build (with the release): `docker compose build --build-arg GIT_COMMIT=$(git rev-parse HEAD)`.
ARG GIT_COMMIT=
ENV NODE_ENV=production GIT_COMMIT=${GIT_COMMIT} WORKFLOW_BUNDLE_PATH=/app/dist/workflows.js
# The payload key ring's volume (docker-compose.yml) starts as this directory: owned by the user the processes run as.
RUN mkdir /keys && chown node:node /keys
USER node
CMD ["node", "--max-old-space-size=384", "src/bin/worker.ts"]
