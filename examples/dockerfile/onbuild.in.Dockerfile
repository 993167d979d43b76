FROM node:20-bookworm
ONBUILD ADD . /app
ONBUILD RUN apt-get update && apt-get install -y make
WORKDIR /app
HEALTHCHECK NONE
