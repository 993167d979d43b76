# syntax=docker/dockerfile:1.10
FROM node:20-bookworm AS build
WORKDIR /app
ENV NODE_ENV=production NPM_TOKEN=npm_5bq0TUJfR4XvPz9cKd2hW1mYaLr8sEo3gN7i
COPY package*.json ./
RUN npm ci --omit=dev
RUN --mount=type=cache,target=/root/.npm \
    npm run build

FROM node:20-bookworm-slim
ARG SENTRY_AUTH_TOKEN=sntrys_eyJpYXQiOjE3MDAwMDAwMDAuMCwidXJsIjoiaHR0cHM6Ly9zZW50cnkuaW8ifQ_Abcdefghijklmnopqrstuvwxyz0123456789ABCDE
COPY --from=build /app/dist /app
RUN npx @sentry/cli sourcemaps upload /app
HEALTHCHECK NONE
CMD ["node", "/app/server.js"]
