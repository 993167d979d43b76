FROM debian:bookworm-slim
RUN apt-get update && \
    apt-get install --no-install-recommends -y curl && \
    rm -rf /var/lib/apt/lists/*
USER 10001:10001
COPY run.sh /run.sh
HEALTHCHECK NONE
CMD ["/run.sh"]
