FROM debian:bookworm-slim
COPY app.conf /etc/app/
copy --chown=10001:10001 --chmod=0644 --link static/ /srv/static/
COPY ["conf.d/a.conf", "conf.d/b.conf", "/etc/app/conf.d/"]
ADD rootfs.tar.xz /
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.org/tool.tgz /tmp/
ADD https://example.org/install.sh /tmp/install.sh
ADD ${SRC} /opt/
USER 10001:10001
HEALTHCHECK NONE
