FROM debian:bookworm-slim
HEALTHCHECK NONE
RUN touch /ready
USER 10001:10001