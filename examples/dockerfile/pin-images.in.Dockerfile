# syntax=docker/dockerfile:1
ARG GO=1.22
FROM --platform=$BUILDPLATFORM golang:1.22-bookworm AS build
RUN go version
FROM build AS test
FROM gcr.io/distroless/static-debian12:nonroot@sha256:6ec5aa99dc335666e79dc64e4a6c8b89c33a543a1967f20d360922a80dd21f02
FROM debian AS final
COPY --from=build /etc/os-release /os-release
USER 10001:10001
HEALTHCHECK NONE
