# syntax=docker/dockerfile:1
# One image for the worker and the NCS receiver (docker-compose.yml picks the command).
# Stage 1 builds (TypeScript → lib/, plus the prebuilt workflow bundle lib/workflow-bundle.js);
# stage 2 carries production dependencies and lib/ only, and runs as the unprivileged `node` user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/bundle-workflows.mjs scripts/
COPY src src
RUN npm run build

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules node_modules
COPY --from=build --chown=root:root /app/lib lib
COPY --chown=root:root package.json ./
RUN mkdir -p /app/data && chown node:node /app/data
USER node
# Worker metrics (9464) and the receiver (8080).
EXPOSE 8080 9464
CMD ["node", "lib/worker.js"]
