# syntax=docker/dockerfile:1.10
FROM node:20-bookworm AS build
WORKDIR /app
ENV NODE_ENV=production
COPY package*.json ./
RUN --mount=type=secret,id=npm-token,env=NPM_TOKEN npm ci --omit=dev
RUN --mount=type=secret,id=npm-token,env=NPM_TOKEN --mount=type=cache,target=/root/.npm \
    npm run build

FROM node:20-bookworm-slim
COPY --from=build /app/dist /app
RUN --mount=type=secret,id=sentry-auth-token,env=SENTRY_AUTH_TOKEN npx @sentry/cli sourcemaps upload /app
USER 1000:1000
HEALTHCHECK NONE
CMD ["node", "/app/server.js"]
