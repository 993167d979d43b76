FROM debian:bookworm-slim
USER app
USER root
RUN mkdir -p /data
HEALTHCHECK NONE
CMD ["sleep", "infinity"]
