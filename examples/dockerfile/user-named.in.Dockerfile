FROM node:20-bookworm
WORKDIR /app
COPY --chown=node:node . .
USER node
HEALTHCHECK CMD node healthcheck.js
CMD ["node", "server.js"]
