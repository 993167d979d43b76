# syntax=docker/dockerfile:1.4
FROM debian:bookworm-slim
RUN <<EOF
apt-get update
apt-get install -y curl
EOF
COPY <<-"CONF" /etc/app.conf
	listen = 8080
	# not a Dockerfile comment: file content
	RUN this is not an instruction
	CONF
RUN <<EOT bash
set -e
echo "ADD is text here" > /tmp/x
EOT
USER 10001:10001
HEALTHCHECK NONE
CMD ["cat", "/etc/app.conf"]
