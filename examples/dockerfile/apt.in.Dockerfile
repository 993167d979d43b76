FROM debian:bookworm
RUN apt-get update && apt-get install -y curl
RUN set -eux; \
	apt-get update; \
	apt-get install -y --no-install-recommends ca-certificates; \
	# the lists stay unless removed
	update-ca-certificates
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get -y -o Dpkg::Options::=--force-confnew install \
        jq \
        git \
    && apt-get clean
RUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y make
RUN apt-get install -y tini # a shell comment ends this RUN
USER 10001:10001
HEALTHCHECK NONE
