# The cashback worker: Node.js 24 runs the TypeScript sources directly (type stripping), no build step.
FROM node:24-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci runs the Node version check (preinstall) first.
COPY src/infra/require-node.cjs ./src/infra/
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
# The commit names the worker's build (with the release): `docker compose build --build-arg GIT_COMMIT=$(git rev-parse HEAD)`.
ARG GIT_COMMIT=
ENV NODE_ENV=production GIT_COMMIT=${GIT_COMMIT}
USER node
CMD ["node", "--max-old-space-size=384", "src/worker/main.ts"]
