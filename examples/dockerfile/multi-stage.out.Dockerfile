# syntax=docker/dockerfile:1.7
ARG GO_VERSION=1.22
ARG BASE=gcr.io/distroless/static-debian12:nonroot
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
WORKDIR /src
RUN --mount=type=cache,target=/root/.cache/go-build \
    go build -o /out/app ./cmd/app

FROM build AS test
RUN go test ./...

FROM debian:bookworm-slim AS final
USER 10001:10001
COPY --from=build /out/app /usr/local/bin/app
EXPOSE 8080
HEALTHCHECK CMD ["/usr/local/bin/app", "-health"]
ENTRYPOINT ["/usr/local/bin/app"]
