# syntax=docker/dockerfile:1
# Multi-stage: build with dev dependencies, run with production dependencies only, as a non-root user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY webhooks ./webhooks
COPY jobs ./jobs
COPY sandbox ./sandbox
COPY emulator ./emulator
RUN npm run build

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: mongodb-memory-server's postinstall would try to download a mongod; production uses MONGODB_URI.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/var/lib/smartwealth
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p /var/lib/smartwealth && chown node:node /var/lib/smartwealth
USER node
EXPOSE 3000
# Production needs MONGODB_URI (a replica set), DATA_ENCRYPTION_KEY, ADMIN_API_KEY and the keys of each provider in
# PAYMENT_PROVIDERS (the simulators never run in production); the process refuses to start without them.
# On SIGTERM it drains for up to 25 s: stop it with `docker stop --time 30` (Docker's default 10 s cuts the drain short).
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
