FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
USER 10001:10001
COPY app.sh /usr/local/bin/app.sh
HEALTHCHECK CMD ["/usr/local/bin/app.sh", "check"]
ENTRYPOINT ["/usr/local/bin/app.sh"]
