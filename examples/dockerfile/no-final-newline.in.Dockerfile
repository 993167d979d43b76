FROM debian:bookworm-slim
HEALTHCHECK NONE
RUN touch /ready