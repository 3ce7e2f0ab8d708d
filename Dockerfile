# The cashback worker: Node.js 24 runs the TypeScript sources directly (type stripping), no build step.
FROM node:24-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci runs the Node version check (preinstall) first.
COPY src/infra/require-node.cjs ./src/infra/
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
ENV NODE_ENV=production
USER node
CMD ["node", "--max-old-space-size=384", "src/worker/main.ts"]
