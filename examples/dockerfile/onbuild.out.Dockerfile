FROM node:20-bookworm
USER 1000:1000
ONBUILD ADD . /app
ONBUILD RUN apt-get update && apt-get install -y make
WORKDIR /app
HEALTHCHECK NONE
