# Debian-based: the Temporal native core needs glibc (no Alpine).
# Build stage: all dependencies (TypeScript, tsx, the workflow bundler), then `npm run build` → dist/: the compiled
# API, worker and re-key command, the prebundled workflows and the email templates (no dev/, sandbox/, bench/, test/).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

# Final stage: production dependencies only (no smtp-server, mailparser, tsx, vitest…), installed from the lockfile;
# install scripts are not needed at run time (native modules ship prebuilt), so none runs.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# The same image runs both processes: `node dist/worker.js` (default) or `node dist/api/server.js`;
# re-encrypting stored secrets after a key rotation: `node dist/scripts/rekey.js`.
CMD ["node", "dist/worker.js"]
