FROM debian:bookworm-slim
RUN apt-get update && \
    apt-get install -y curl
ADD run.sh /run.sh
HEALTHCHECK NONE
CMD ["/run.sh"]
