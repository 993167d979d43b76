FROM alpine:3.20
RUN apk add --no-cache curl ca-certificates
RUN apk update && apk add --no-cache git && apk -U add --no-cache jq
RUN --mount=type=cache,target=/var/cache/apk apk add make
USER 10001:10001
HEALTHCHECK NONE
