# One container per bot instance. DATABASE_URL points at PostgreSQL (shared by every instance); DATA_DIR
# (/app/data) holds the media files and must be a volume every instance shares. test/dockerfile.test.ts runs
# these steps without a container engine: the production install in a copy, then the bot started from it.
FROM node:24-slim
WORKDIR /app
# PORT set: /healthz is served in polling mode too (webhook mode serves it on the same port as the webhook).
ENV NODE_ENV=production DATA_DIR=/app/data PORT=8080
COPY package.json package-lock.json ./
# The image's Node 24 runs the bot: --omit=dev leaves out the `node` devDependency, the test tools and the linters.
RUN npm ci --omit=dev --no-audit --no-fund
COPY src ./src
COPY migrations ./migrations
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# As npm start runs it (the heap flags: docs/decisions.md, "Memory"); test/dockerfile.test.ts keeps the two the same.
CMD ["node", "--max-semi-space-size=16", "--heap-growing-percent=30", "src/main.ts"]
