FROM debian:bookworm-slim
USER app
USER root
RUN mkdir -p /data
USER 10001:10001
HEALTHCHECK NONE
CMD ["sleep", "infinity"]
