FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production DATA_DIR=/app/data
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY src ./src
COPY migrations ./migrations
RUN mkdir -p /app/data && chown node:node /app/data
USER node
# In a container, DATABASE_URL points at a real PostgreSQL; DATA_DIR then holds media files only.
CMD ["node", "src/main.ts"]
