FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-ins.tall-recommends ca-certific.sh", "check"]
ENTRYPOINT ["/usr/local/bin/app.sh"]
