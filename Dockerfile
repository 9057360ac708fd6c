# synapse-admin-facade: the same steps as README.md (npm ci, npm start), on the Node 26 LTS image the
# tests run on. Build: docker build -t synapse-admin-facade .   Run: see README.md "Docker".

# Stage 1: production dependencies only (the dev tools, the mock and the node@26 binary stay out).
FROM node:26-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# Stage 2: the runtime. Node 26 runs the TypeScript sources directly (type stripping), so there is no build.
FROM node:26-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8009 \
    SYNAPSE_URL=http://synapse:8008 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY schemas ./schemas
# The store (audit trail, tracked deletes, bulk jobs): a volume, so it outlives the container.
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 8009
HEALTHCHECK --interval=15s --timeout=3s --start-period=5s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8009)+'/_facade/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The young generation capped at 8 MiB a semi-space, and `gc` exposed for the hand-back of memory once quiet, as
# `npm start` runs it (README, Benchmark; Memory).
CMD ["node", "--max-semi-space-size=8", "--expose-gc", "src/main.ts"]
