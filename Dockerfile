# Debian-based: the Temporal native core needs glibc (no Alpine).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/email/templates ./dist/email/templates
USER node
EXPOSE 3000
# The same image runs both processes: `node dist/worker.js` (default) or `node dist/api/server.js`.
CMD ["node", "dist/worker.js"]
